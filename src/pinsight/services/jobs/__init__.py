"""Background jobs: asking for one and reading its state (``queue``), what each kind does
(``kinds``), and the workers that run them (``worker``)."""
