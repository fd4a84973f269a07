package checklist

// Entries is Flatten of a resolved config, built once by Resolve: every
// evaluation of a release walks it, so it is not rebuilt per call. The
// slice is shared: callers must not change it. A resolved Config is not
// to be changed either (resolve again instead); one not made by Resolve
// is flattened on each call.
func (c *Config) Entries() []Entry {
	if c.flat != nil {
		return c.flat
	}
	return c.Flatten()
}

// index builds what Entries returns, once the config is final.
func (c *Config) index() {
	c.flat = c.Flatten()
}
