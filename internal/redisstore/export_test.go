package redisstore

import "time"

// SetClock sets the clock of the lock line's heartbeats, for tests.
func SetClock(s *Store, now func() time.Time) { s.now = now }

// SetReadSlice sets how long one queue read blocks in Redis, for tests.
func SetReadSlice(s *Store, d time.Duration) { s.readSlice = d }
