/* Shared by trap.S and smode.c. */
#ifndef SMODE_H
#define SMODE_H
/* a7 of the ecall with which the S-mode handler hands its record to M-mode. */
#define ESCAPE_MAGIC 0x5e5c
/* Test pages after tpages, each 4 KiB: code at offset 0, data at 0x100. */
#define NPAGES 16
#endif
