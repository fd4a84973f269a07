//go:build race

package e2e

// raceOn: the race detector multiplies memory, so memory bounds are not
// asserted under it.
const raceOn = true
