//go:build !nodemo

package main

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestParseStatCPU reads utime and stime from /proc/PID/stat lines, a
// command name with spaces and parentheses included, and refuses what is
// not such a line.
func TestParseStatCPU(t *testing.T) {
	tail := " S 1 1 1 0 -1 4194560 1234 0 0 0 250 70 0 0 20 0 9 0 100 1000 200"
	for _, name := range []string{"(golive)", "(golive load)", "(a) b)"} {
		got, err := parseStatCPU("4242 " + name + tail)
		if err != nil || got != 3200*time.Millisecond {
			t.Errorf("%s: %v, %v; want 3.2s (250 + 70 ticks)", name, got, err)
		}
	}
	for _, bad := range []string{"", "4242 golive S 1", "4242 (golive) S 1 2 3", "4242 (golive) S 1 1 1 0 -1 4194560 1234 0 0 0 x 70 0"} {
		if _, err := parseStatCPU(bad); err == nil {
			t.Errorf("%q read as a stat line", bad)
		}
	}
	// This process's own line parses, to a time that only grows.
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Skip("no /proc here")
	}
	if _, err := parseStatCPU(string(b)); err != nil {
		t.Errorf("/proc/self/stat: %v", err)
	}
}

// TestRedisCPU sums INFO cpu's user and system time, and nothing else.
func TestRedisCPU(t *testing.T) {
	info := strings.Join([]string{"# CPU", "used_cpu_sys:1.500000", "used_cpu_user:2.250000",
		"used_cpu_sys_children:9.000000", "used_cpu_user_children:9.000000", "used_cpu_sys_main_thread:1.400000", ""}, "\r\n")
	if got := redisCPU(info); got != 3750*time.Millisecond {
		t.Errorf("redisCPU = %v, want 3.75s", got)
	}
	from, to := cpuUse{proc: time.Second, redis: time.Second, ok: true}, cpuUse{proc: 4 * time.Second, redis: 2 * time.Second, ok: true}
	if got := perDelivery("golive", from, to, 10000); got != "golive 300 µs, Redis 100 µs" {
		t.Errorf("perDelivery = %q", got)
	}
	to.ok = false // Redis went away before the second reading
	if got := perDelivery("golive", from, to, 10000); got != "not measured (a reading failed)" {
		t.Errorf("perDelivery after a failed reading = %q", got)
	}
}
