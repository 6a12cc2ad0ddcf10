"""kozmo_io: typed contracts for a Kozmo task plugin's inputs, outputs and errors."""
