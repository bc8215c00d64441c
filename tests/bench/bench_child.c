/* vtop benchmarks: running the CLI as a child and what it cost (CPU,
 * wall clock, peak resident memory). Host code (POSIX: posix_spawn,
 * wait4). */
#define _DEFAULT_SOURCE /* wait4 */
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_run.h"

extern char **environ;

/* Wall clock (bench_now_ns is this thread's CPU time). */
static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* posix_spawn (vfork-like in glibc), not fork: a forked copy of this
 * process's large mappings would charge their teardown at exec to the
 * child's system time. Exit statuses 0 and 1 (a command that answered
 * "no") count as a run. */
int bench_spawn(char **argv, const char *in, const char *out, bench_child *res)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in ? in : "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    double t0 = wall_s();
    int err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err != 0)
        return -1;
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) > 1)
        return -1;
    res->wall_s = wall_s() - t0;
    res->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    res->max_rss_kib = (double)ru.ru_maxrss; /* KiB on Linux (getrusage(2)) */
    return 0;
}
