"""cubie"""
