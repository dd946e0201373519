
 ; ; 
  # note
 
 let a = split false as { dyn : { csv : { } -> { } , x : { } } -> { } ? ? ? , syslog : status < n , { } > ? }