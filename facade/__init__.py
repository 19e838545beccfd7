"""The client facade: start, update, read and list payments; tokenize cards."""
