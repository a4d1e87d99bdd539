/* What the sampler's building blocks cost on this machine, in CPU time of the calling thread:
 * one wake-up from an absolute 1 ms sleep (with 1 ns timer slack, as the sampler sets), one process_vm_readv
 * of 8 bytes and of 16 KiB from a busy child process, and one pread of the child's /proc/PID/task/TID/stat.
 * Built and run by bench/sampler_cost.py; prints one "name microseconds" line per primitive. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char source[16384];
static char destination[16384];

static long long nanoseconds(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static double read_cost_us(pid_t child, size_t length, int count) {
    struct iovec local = {destination, length}, remote = {source, length};
    long long start = nanoseconds(CLOCK_THREAD_CPUTIME_ID);
    for (int i = 0; i < count; i++)
        if (process_vm_readv(child, &local, 1, &remote, 1, 0) != (ssize_t)length) return -1;
    return (nanoseconds(CLOCK_THREAD_CPUTIME_ID) - start) / 1000.0 / count;
}

int main(void) {
    for (size_t i = 0; i < sizeof source; i++) source[i] = (char)i;
    pid_t child = fork();
    if (child == 0) {
        /* Busy like a sampled interpreter, writing to its own copy of the page we read. */
        for (volatile unsigned long spin = 0;; spin++) source[spin % sizeof source] = (char)spin;
    }

    prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0);
    int wakeups = 2000;
    long long due = nanoseconds(CLOCK_MONOTONIC), start = nanoseconds(CLOCK_THREAD_CPUTIME_ID);
    for (int i = 0; i < wakeups; i++) {
        due += 1000000;
        struct timespec request = {due / 1000000000LL, due % 1000000000LL};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &request, NULL);
    }
    printf("sleep-wakeup %.2f\n", (nanoseconds(CLOCK_THREAD_CPUTIME_ID) - start) / 1000.0 / wakeups);
    printf("process_vm_readv-8B %.2f\n", read_cost_us(child, 8, 100000));
    printf("process_vm_readv-16KiB %.2f\n", read_cost_us(child, sizeof source, 100000));

    char path[64], buffer[1024];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", child, child);
    int fd = open(path, O_RDONLY);
    int reads = 100000;
    start = nanoseconds(CLOCK_THREAD_CPUTIME_ID);
    for (int i = 0; i < reads; i++) pread(fd, buffer, sizeof buffer, 0);
    printf("proc-stat-pread %.2f\n", (nanoseconds(CLOCK_THREAD_CPUTIME_ID) - start) / 1000.0 / reads);

    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    return 0;
}
