/* vtop benchmarks: running the CLI as a child and what it cost (CPU,
 * wall clock, peak resident memory). Host code (POSIX: posix_spawn,
 * wait4). */
#define _DEFAULT_SOURCE /* wait4 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Peak resident memory needs a small parent: Linux keeps, across exec, the
 * high-water mark of the memory the child had before it (kernel/exit.c,
 * fs/exec.c: signal->maxrss), and a vfork or fork child of this process
 * has its mappings. So a fresh, small copy of the benchmark (a helper
 * that has touched nothing) spawns the child and writes what it cost to
 * a file. */
int bench_spawn_rss(char **argv, const char *in, const char *out, bench_child *res)
{
    char result[] = "/tmp/vtop-bench-rss-XXXXXX";
    int fd = mkstemp(result);
    if (fd < 0)
        return -1;
    close(fd);
    char *hargv[64];
    int k = 0;
    hargv[k++] = "/proc/self/exe";
    hargv[k++] = "--spawn-helper";
    hargv[k++] = result;
    hargv[k++] = (char *)(in ? in : "/dev/null");
    hargv[k++] = (char *)(out ? out : "/dev/null");
    for (int i = 0; argv[i] && k < 63; i++)
        hargv[k++] = argv[i];
    hargv[k] = NULL;
    bench_child helper;
    int rc = bench_spawn(hargv, NULL, NULL, &helper);
    FILE *f = fopen(result, "r");
    if (rc == 0 && (!f || fscanf(f, "%lf %lf %lf", &res->wall_s, &res->cpu_s,
                                 &res->max_rss_kib) != 3))
        rc = -1;
    if (f)
        fclose(f);
    unlink(result);
    return rc;
}

/* The helper: bench --spawn-helper RESULT IN OUT PROGRAM ARGS... */
int bench_spawn_helper(int argc, char **argv)
{
    if (argc < 6 || strcmp(argv[1], "--spawn-helper") != 0)
        return 2;
    bench_child c;
    if (bench_spawn(argv + 5, argv[3], argv[4], &c) != 0)
        return 1;
    FILE *f = fopen(argv[2], "w");
    if (!f)
        return 1;
    fprintf(f, "%.9f %.9f %.0f\n", c.wall_s, c.cpu_s, c.max_rss_kib);
    return fclose(f) == 0 ? 0 : 1;
}
