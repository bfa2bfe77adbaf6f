// Temporary: removed once the IDX reader lands.
