"""Django format modules (FORMAT_MODULE_PATH): numbers as CLDR writes them in each language (``site.numbers``)."""
