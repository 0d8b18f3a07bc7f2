"""Moving data in and out of a store: whole-dataset JSON and CSV lists of people and cases."""
