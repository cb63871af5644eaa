"""Spreadsheet work: screening uploads, reading section workbooks, making templates."""
