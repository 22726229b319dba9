// The floor: a C loop that posix_spawns `/bin/sh -c "true I"` (or /bin/true I with a third
// argument), JOBS at a time. posix_spawn does not copy the parent, so its cost does not grow
// with the parent's memory. usage: ./floor N JOBS [direct]
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
extern char **environ;
int main(int argc, char **argv) {
  int n = atoi(argv[1]), jobs = atoi(argv[2]), direct = argc > 3;
  int started = 0, running = 0;
  char cmd[64], num[32];
  while (started < n || running > 0) {
    while (running < jobs && started < n) {
      pid_t pid;
      started++;
      snprintf(cmd, sizeof cmd, "true %d", started);
      snprintf(num, sizeof num, "%d", started);
      char *shargv[] = {"/bin/sh", "-c", cmd, NULL};
      char *dargv[] = {"/bin/true", num, NULL};
      if (posix_spawn(&pid, direct ? "/bin/true" : "/bin/sh", NULL, NULL, direct ? dargv : shargv, environ)) return 1;
      running++;
    }
    int status;
    wait(&status);
    running--;
  }
  return 0;
}
