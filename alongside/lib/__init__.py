"""Small shared helpers: environment, encryption, charts, e-mail."""
