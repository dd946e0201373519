sort
by |>_