//go:build race

package cli

// raceOn: the race detector multiplies memory, so memory bounds are not
// asserted under it.
const raceOn = true
