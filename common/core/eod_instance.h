/*  eod_instance — one copy of a stage per state directory.

    Two writers (or two coordinators, ...) on one state directory would share
    its journal and ledgers and corrupt them without a word. A stage takes an
    advisory lock (flock) on STATE/locks/NAME.lock before it touches anything
    else and holds it for its life: a second copy finds it taken and refuses
    to start, naming the holder's pid (the holder writes it into the file).
    The kernel drops a flock with the last descriptor of the file, so a copy
    killed with -9 never blocks the next start, and the descriptor is
    close-on-exec, so a helper a stage starts (eod-http) does not keep it. */
#ifndef EOD_INSTANCE_H
#define EOD_INSTANCE_H

#include <stdbool.h>
#include <stddef.h>

#define EOD_INSTANCE_NONE (-1)   //  no lock held

//  True for the stages that must run alone on a state directory: every
//  pipeline stage but the fetcher, of which a host runs several.
bool eod_instance_exclusive (const char *stage);

//  Takes the lock of stage in state_dir (made 0700 when missing). Returns the
//  descriptor that holds it, or EOD_INSTANCE_NONE with the reason in
//  why[size] ("another eod-writer (pid 123) holds the state directory
//  /srv/eod/state (/srv/eod/state/locks/writer.lock)").
int eod_instance_lock (const char *state_dir, const char *stage, char *why, size_t size);

//  Lets the lock go and sets *fd_p to EOD_INSTANCE_NONE; safe on NONE.
void eod_instance_unlock (int *fd_p);

#endif
