"""Reports: what they tell, gathered from the features; requested, made once, versioned."""
