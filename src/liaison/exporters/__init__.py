"""Built-in exporters: plugins registered exactly like outside ones."""
