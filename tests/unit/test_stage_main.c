/*  test_stage_main — a stop asked for while a stage is on its way out (after
    czmq's shutdown, in the exit handlers that follow it) ends the stage with
    the exit code of its run, not by the signal. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "eod_stage_main.h"
#include "eod_test.h"

//  A child that shuts czmq down as a stage's exit does, says so on the pipe,
//  then stands for the exit handlers that run after it (5 s) and exits 3.
static pid_t
s_leaving_child (int ready_fd, bool settled)
{
    pid_t pid = fork ();
    if (pid != 0)
        return pid;
    zsys_init ();
    zsock_t *push = zsock_new (ZMQ_PUSH);
    zsock_destroy (&push);
    if (settled)
        eod_main_settled (3);
    zsys_shutdown ();
    if (write (ready_fd, "x", 1) != 1)
        _exit (9);
    usleep (5 * 1000 * 1000);
    _exit (3);
}

//  The child's wait status after a SIGTERM sent once it has shut czmq down;
//  -1 when it did not end within 2 s of it.
static int
s_status_after_term (bool settled)
{
    int fds[2];
    if (pipe (fds))
        return -1;
    pid_t pid = s_leaving_child (fds[1], settled);
    char byte;
    bool ready = read (fds[0], &byte, 1) == 1;
    close (fds[0]);
    close (fds[1]);
    if (ready)
        kill (pid, SIGTERM);
    for (int i = 0; ready && i < 200; i++) {
        int status;
        if (waitpid (pid, &status, WNOHANG) == pid)
            return status;
        usleep (10 * 1000);
    }
    kill (pid, SIGKILL);
    waitpid (pid, NULL, 0);
    return -1;
}

int
main (void)
{
    //  The hazard: czmq's shutdown has put the default handlers back.
    int status = s_status_after_term (false);
    CHECK (status != -1);
    CHECK (WIFSIGNALED (status) && WTERMSIG (status) == SIGTERM);

    //  Settled: the same stop ends it at once with the run's code.
    status = s_status_after_term (true);
    CHECK (status != -1);
    CHECK (WIFEXITED (status));
    CHECK_INT (WIFEXITED (status) ? WEXITSTATUS (status) : -1, 3);

    //  Settled and never stopped: it ends on its own with its code.
    pid_t pid = fork ();
    if (pid == 0) {
        zsys_init ();
        eod_main_settled (1);
        exit (1);
    }
    CHECK (waitpid (pid, &status, 0) == pid);
    CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 1);
    return EOD_TEST_DONE ();
}
