/*  eod_instance — see eod_instance.h. */
#include "eod_instance.h"
#include "eod_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define S_LOCK_DIR "locks"
#define S_PID_MAX 32   //  the holder's pid as text, and its newline

//  The stages of a state directory that run alone (the fetcher is not one).
static const char *s_exclusive[] = {"calendar", "lister", "coordinator", "writer", "uploader", "notifier", NULL};

bool
eod_instance_exclusive (const char *stage)
{
    for (size_t i = 0; stage && s_exclusive[i]; i++)
        if (strcmp (stage, s_exclusive[i]) == 0)
            return true;
    return false;
}

//  The pid the holder wrote, or 0 when it has not written it yet.
static long
s_holder_pid (int fd)
{
    char text[S_PID_MAX] = "";
    ssize_t n = pread (fd, text, sizeof text - 1, 0);
    if (n <= 0)
        return 0;
    text[n] = '\0';
    char *end = NULL;
    long pid = strtol (text, &end, 10);
    return end != text && pid > 0 ? pid : 0;
}

int
eod_instance_lock (const char *state_dir, const char *stage, char *why, size_t size)
{
    int fd = EOD_INSTANCE_NONE;
    char dir[4096], path[4096];
    if (eod_path_format (dir, sizeof dir, "%s/%s", state_dir, S_LOCK_DIR)
        || eod_path_format (path, sizeof path, "%s/%s.lock", dir, stage)) {
        eod_set_error (why, size, "the state directory's path is too long");
        goto out;
    }
    if (eod_mkdirs (dir, 0700)) {
        eod_set_error (why, size, "cannot make %s: %s", dir, strerror (errno));
        goto out;
    }
    fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd == -1) {
        eod_set_error (why, size, "cannot open %s: %s", path, strerror (errno));
        goto out;
    }
    if (flock (fd, LOCK_EX | LOCK_NB) == -1) {
        int err = errno;
        if (err == EWOULDBLOCK) {
            long pid = s_holder_pid (fd);
            char holder[S_PID_MAX + 8] = "pid not written yet";
            if (pid)
                snprintf (holder, sizeof holder, "pid %ld", pid);
            eod_set_error (why, size,
                           "another eod-%s (%s) holds the state directory %s (%s): one copy per state "
                           "directory",
                           stage, holder, state_dir, path);
        }
        else
            eod_set_error (why, size, "cannot lock %s: %s", path, strerror (err));
        close (fd);
        fd = EOD_INSTANCE_NONE;
        goto out;
    }
    //  The holder's pid, for the message a second copy prints.
    char text[S_PID_MAX];
    int len = snprintf (text, sizeof text, "%ld\n", (long) getpid ());
    if (ftruncate (fd, 0) == -1 || pwrite (fd, text, (size_t) len, 0) != len) {
        eod_set_error (why, size, "cannot write %s: %s", path, strerror (errno));
        close (fd);
        fd = EOD_INSTANCE_NONE;
    }
out:
    return fd;
}

void
eod_instance_unlock (int *fd_p)
{
    if (!fd_p || *fd_p == EOD_INSTANCE_NONE)
        return;
    close (*fd_p);
    *fd_p = EOD_INSTANCE_NONE;
}
