/* Pending finding E1 (/work/briefs/fuzz-findings.md): with the default table
 * budget, enumerating a one-page 4-level self-map (all 512 entries -> the
 * page) takes ~18 s and reports ~5.4e8 leaves. Not built by make; run:
 *   gcc -O2 -std=c11 -I. tests/fuzz/pending/enum-default-budget-selfmap.c build/host/libvtop.a -o /tmp/e1 && /tmp/e1 0
 * (argument: max_tables; 0 = default). Move to a regression once fixed. */
#include "core/enum.h"
#include "core/ptov.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static uint64_t n;
static int cb(void*c,const vtop_leaf*l){(void)c;(void)l;n++;return 0;}
int main(int argc,char**argv){ uint64_t mt = argc>1?strtoull(argv[1],0,0):0;
 static uint8_t img[4096]; for(int i=0;i<512;i++){uint64_t v=7; for(int b=0;b<8;b++) img[i*8+b]=(uint8_t)(v>>(8*b));}
 vtop_run run={0,4096,0,img}; vtop_physmem mem={&run,1}; vtop_space_config cfg={VTOP_MODE_4LEVEL,0,true,52,0,false}; vtop_space s; vtop_space_init(&s,&cfg,&mem);
 vtop_enum_options o={0}; o.max_tables=mt; vtop_enum_stats st={0};
 struct timespec a,b; timespec_get(&a,TIME_UTC);
 vtop_status r=vtop_enumerate_ex(&s,0,~0ull,&o,cb,0,&st);
 timespec_get(&b,TIME_UTC);
 printf("max_tables %llu: %s tables %llu entries %llu leaves %llu in %.3f s\n",(unsigned long long)mt,vtop_status_name(r),(unsigned long long)st.tables,(unsigned long long)st.entries,(unsigned long long)n,(b.tv_sec-a.tv_sec)+(b.tv_nsec-a.tv_nsec)/1e9);
 size_t stored; uint64_t total; vtop_ptov_hit hits[16]; timespec_get(&a,TIME_UTC);
 r=vtop_ptov(&s,0,0xfff,&o,hits,16,&stored,&total); timespec_get(&b,TIME_UTC);
 printf("ptov: %s stored %zu total %llu in %.3f s\n",vtop_status_name(r),stored,(unsigned long long)total,(b.tv_sec-a.tv_sec)+(b.tv_nsec-a.tv_nsec)/1e9);
}
