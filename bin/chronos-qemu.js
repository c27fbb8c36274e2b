#!/usr/bin/env node
// The `chronos-qemu` command: `chronos qemu ARGS...`, for Makefiles that take one word for QEMU.
process.argv.splice(2, 0, 'qemu');
require('../dist/chronos.js');
