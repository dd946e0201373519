let bang = fun s
 -> s + "!"; map bang(_) + bangcount
("x")