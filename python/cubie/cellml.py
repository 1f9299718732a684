def load_cellml_model(*a, **k):
    raise NotImplementedError
