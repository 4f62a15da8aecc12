/*  test_instance — eod_instance: which stages run alone, a second lock of the
    same stage refused with the holder's pid, other stages and other state
    directories apart, a lock let go (closed, or its holder killed with -9)
    taken again at once, and a state directory that cannot be made. */
#include "eod_instance.h"
#include "eod_test.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void
test_exclusive (void)
{
    CHECK (eod_instance_exclusive ("calendar"));
    CHECK (eod_instance_exclusive ("lister"));
    CHECK (eod_instance_exclusive ("coordinator"));
    CHECK (eod_instance_exclusive ("writer"));
    CHECK (eod_instance_exclusive ("uploader"));
    CHECK (eod_instance_exclusive ("notifier"));
    CHECK (!eod_instance_exclusive ("fetcher"));
    CHECK (!eod_instance_exclusive ("inject"));
    CHECK (!eod_instance_exclusive (""));
    CHECK (!eod_instance_exclusive (NULL));
}

static void
test_second_refused (const char *dir)
{
    char why[512] = "", pid[32];
    int first = eod_instance_lock (dir, "writer", why, sizeof why);
    CHECK (first != EOD_INSTANCE_NONE);
    int second = eod_instance_lock (dir, "writer", why, sizeof why);
    CHECK_INT (second, EOD_INSTANCE_NONE);
    snprintf (pid, sizeof pid, "(pid %ld)", (long) getpid ());
    CHECK (strstr (why, pid) != NULL);
    CHECK (strstr (why, "another eod-writer") != NULL);
    CHECK (strstr (why, dir) != NULL);
    //  Another stage, or the same stage on another state directory, is apart.
    char other[1024];
    snprintf (other, sizeof other, "%s/other", dir);
    int coordinator = eod_instance_lock (dir, "coordinator", why, sizeof why);
    CHECK (coordinator != EOD_INSTANCE_NONE);
    int elsewhere = eod_instance_lock (other, "writer", why, sizeof why);
    CHECK (elsewhere != EOD_INSTANCE_NONE);
    eod_instance_unlock (&first);
    CHECK_INT (first, EOD_INSTANCE_NONE);
    eod_instance_unlock (&first);
    //  Let go: taken again at once.
    second = eod_instance_lock (dir, "writer", why, sizeof why);
    CHECK (second != EOD_INSTANCE_NONE);
    eod_instance_unlock (&second);
    eod_instance_unlock (&coordinator);
    eod_instance_unlock (&elsewhere);
    eod_instance_unlock (NULL);
}

//  A holder killed with -9 leaves its pid in the file but not the lock.
static void
test_killed_holder (const char *dir)
{
    int ready[2];
    CHECK (pipe (ready) == 0);
    pid_t child = fork ();
    if (child == 0) {
        char why[512];
        int fd = eod_instance_lock (dir, "notifier", why, sizeof why);
        char c = fd == EOD_INSTANCE_NONE ? 'n' : 'y';
        if (write (ready[1], &c, 1) != 1)
            _exit (1);
        pause ();
        _exit (0);
    }
    char c = 0;
    CHECK (read (ready[0], &c, 1) == 1);
    CHECK (c == 'y');
    char why[512] = "", pid[32];
    CHECK_INT (eod_instance_lock (dir, "notifier", why, sizeof why), EOD_INSTANCE_NONE);
    snprintf (pid, sizeof pid, "(pid %ld)", (long) child);
    CHECK (strstr (why, pid) != NULL);
    kill (child, SIGKILL);
    waitpid (child, NULL, 0);
    int fd = eod_instance_lock (dir, "notifier", why, sizeof why);
    CHECK (fd != EOD_INSTANCE_NONE);
    eod_instance_unlock (&fd);
    close (ready[0]);
    close (ready[1]);
}

static void
test_bad_dir (void)
{
    char why[512] = "";
    CHECK_INT (eod_instance_lock ("/dev/null/state", "writer", why, sizeof why), EOD_INSTANCE_NONE);
    CHECK (strstr (why, "/dev/null/state") != NULL);
}

int
main (void)
{
    char dir[] = "/tmp/test_instance.XXXXXX";
    CHECK (mkdtemp (dir) != NULL);
    test_exclusive ();
    test_second_refused (dir);
    test_killed_holder (dir);
    test_bad_dir ();
    char cmd[128];
    snprintf (cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK (system (cmd) == 0);
    return EOD_TEST_DONE ();
}
