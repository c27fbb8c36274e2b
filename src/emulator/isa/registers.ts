// The integer registers' names in the psABI (RISC-V ELF psABI, "Register Convention"), as
// objdump prints them, the debugger shows them and the assembler accepts them.
export const ABI_NAMES: readonly string[] = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
