//go:build !nodemo

package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// cpuMeter reads the CPU time a spawned process (golive or the baseline)
// and its Redis have used, so that a run reports the CPU each delivery
// cost them: a figure far steadier than deliveries/s on a shared machine,
// since it does not depend on what else had the cores.
type cpuMeter struct {
	pid int
	rdb *redis.Client
}

// cpuUse is the CPU a process and Redis had used at one moment; ok says
// both were read.
type cpuUse struct {
	proc, redis time.Duration
	ok          bool
}

// clockTick is Linux's USER_HZ, the unit of /proc/PID/stat's times (100 on
// every architecture Go builds for).
const clockTick = 10 * time.Millisecond

// read takes the reading. Redis's figure is the whole server's: with
// --spawn, golive-load's own polling while it waits for the drain is in it.
func (m cpuMeter) read(ctx context.Context) cpuUse {
	var u cpuUse
	var err error
	u.proc, err = procCPU(m.pid)
	info, rerr := m.rdb.Info(ctx, "cpu").Result()
	if rerr == nil {
		u.redis = redisCPU(info)
	}
	u.ok = err == nil && rerr == nil
	return u
}

// procCPU is a process's user and system time from /proc/PID/stat.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStatCPU(string(b))
}

// parseStatCPU reads utime and stime (fields 14 and 15) from a
// /proc/PID/stat line; the command name, field 2, may hold spaces and
// parentheses, so fields are counted from its last ')'.
func parseStatCPU(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("not a /proc/PID/stat line: %.40q", stat)
	}
	f := strings.Fields(stat[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/PID/stat line: %.40q", stat)
	}
	var total time.Duration
	for _, s := range f[11:13] { // utime, stime: fields 14 and 15
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/PID/stat: %w", err)
		}
		total += time.Duration(n) * clockTick
	}
	return total, nil
}

// redisCPU is used_cpu_user + used_cpu_sys from INFO cpu.
func redisCPU(info string) time.Duration {
	var total time.Duration
	for _, line := range strings.Split(info, "\n") {
		name, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && (name == "used_cpu_user" || name == "used_cpu_sys") {
			if s, err := strconv.ParseFloat(v, 64); err == nil {
				total += time.Duration(s * float64(time.Second))
			}
		}
	}
	return total
}

// perDelivery renders the CPU used between two readings over n deliveries.
func perDelivery(who string, from, to cpuUse, n int) string {
	if n <= 0 || !from.ok || !to.ok {
		return "not measured (a reading failed)"
	}
	us := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(n) }
	return fmt.Sprintf("%s %.0f µs, Redis %.0f µs", who, us(to.proc-from.proc), us(to.redis-from.redis))
}
