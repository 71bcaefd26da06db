// RONGPING_VECTOR_CLONES, for the attribute list of a function whose loops
// run over blocks of values: on x86-64 the function is compiled twice, for
// AVX2 and for any x86-64, and the first call picks the one the processor
// runs. AVX2 without FMA: every IEEE operation stays the same, lane by
// lane, so both give the same bits.
#ifndef RONGPING_CORE_VECTOR_CLONES_H_
#define RONGPING_CORE_VECTOR_CLONES_H_

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RONGPING_VECTOR_CLONES gnu::target_clones("avx2", "default")
#else
#define RONGPING_VECTOR_CLONES
#endif

#endif  // RONGPING_CORE_VECTOR_CLONES_H_
