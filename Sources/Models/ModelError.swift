/// Placeholder until the loaders land.
enum ModelErrorPlaceholder {}
