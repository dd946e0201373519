fold 100
 (funacc x -> acc - ,nt<x))