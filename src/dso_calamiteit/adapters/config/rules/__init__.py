"""What a type cannot say about a file (unique ids, references between files, thresholds that fit), one module
per file kind, each with `check(file, …) -> [(path in the file, message)]`; adapters.config.loading runs them
after the schema (adapters.config.validation) and points every finding at its line."""
