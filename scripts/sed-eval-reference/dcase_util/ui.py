class FancyStringifier:
    pass
