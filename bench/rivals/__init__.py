"""The invoice create body's rules (chalicelib/api/invoices.py) expressed in other validation
libraries, for bench/validation.py only: never imported by the application."""
