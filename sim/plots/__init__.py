"""Charts of results Datasets (matplotlib), labelled from the variables' units and names."""
