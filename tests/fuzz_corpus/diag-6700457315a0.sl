let apache = json |> split 0s 
