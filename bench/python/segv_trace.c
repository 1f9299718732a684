/* A crash tracer for machines without a debugger: LD_PRELOAD it and a SIGSEGV/SIGBUS/SIGILL/
 * SIGABRT prints the faulting address, the instruction pointer and the call stack as
 * "object+offset" lines, which `addr2line -f -C -i -e OBJECT OFFSET` resolves later on any
 * machine that has a copy of the object built with -g.
 *
 *   cc -O1 -g -shared -fPIC -o segv_trace.so bench/python/segv_trace.c -ldl
 *   LD_PRELOAD=$PWD/segv_trace.so python3 script.py
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

static void print_frame(int i, void* addr) {
  Dl_info info;
  char line[1024];
  if (dladdr(addr, &info) && info.dli_fname) {
    unsigned long off = (unsigned long)((char*)addr - (char*)info.dli_fbase);
    snprintf(line, sizeof line, "  #%02d %p %s+0x%lx (%s)\n", i, addr, info.dli_fname, off,
             info.dli_sname ? info.dli_sname : "?");
  } else {
    snprintf(line, sizeof line, "  #%02d %p ?\n", i, addr);
  }
  if (write(2, line, strlen(line)) < 0) return;
}

static void on_fault(int sig, siginfo_t* si, void* ctx) {
  char line[256];
  ucontext_t* uc = (ucontext_t*)ctx;
  void* rip = (void*)uc->uc_mcontext.gregs[REG_RIP];
  snprintf(line, sizeof line, "segv_trace: signal %d at address %p, rip %p, rsp %p\n", sig, si->si_addr, rip,
           (void*)uc->uc_mcontext.gregs[REG_RSP]);
  if (write(2, line, strlen(line)) < 0) return;
  print_frame(-1, rip);
  /* A jump to a bad address leaves no frame to unwind: the words on top of the stack hold
     the caller's return address. */
  void** sp = (void**)uc->uc_mcontext.gregs[REG_RSP];
  for (int i = 0; i < 16; ++i) print_frame(100 + i, sp[i]);
  void* frames[64];
  int n = backtrace(frames, 64);
  for (int i = 0; i < n; ++i) print_frame(i, frames[i]);
  signal(sig, SIG_DFL);
  raise(sig);
}

__attribute__((constructor)) static void install(void) {
  static char stack[1 << 16];
  stack_t ss = {.ss_sp = stack, .ss_size = sizeof stack, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  sigaction(SIGILL, &sa, NULL);
  sigaction(SIGABRT, &sa, NULL);
}
