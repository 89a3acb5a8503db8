"""chatctl: the operator's command line for Parley."""
