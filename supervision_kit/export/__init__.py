"""Exports of supervision records: PDF through nbconvert, anonymised research data."""
