#!/usr/bin/env python3
"""Where a quantcheck forward pass spends its time, from a JFR recording's execution samples (docs/PERFORMANCE.md).

    jfr print --json --events jdk.ExecutionSample --stack-depth 40 qc.jfr > samples.json
    python3 benchmarks/jfr-breakdown.py samples.json

Classifies each sample of both threads by the innermost quantcheck activity on its stack (GEMM micro-kernel, panel
decode, attention parts, GELU, LayerNorm, ...), then prints the shares and the hottest top frames.
"""
import json, sys, collections
data = json.load(open(sys.argv[1]))
events = data['recording']['events']
cats = collections.Counter(); tops = collections.Counter()
def name(f):
    m = f['method']; return m['type']['name'].split('.')[-1] + '.' + m['name']
for e in events:
    frames = [name(f) for f in e['values']['stackTrace']['frames']]
    if not any('quantcheck' in f['method']['type']['name'] for f in e['values']['stackTrace']['frames']):
        cats['not quantcheck (JMH/JIT/tokenizer)'] += 1; continue
    top = frames[0]; tops[top] += 1
    joined = ' '.join(frames)
    if 'WorkerPool' in top or top.startswith('LockSupport') or 'Thread.onSpinWait' in top or 'Unsafe.park' in top:
        c = 'pool wait/spin'
    elif 'geluErf' in joined: c = 'GELU (erf)'
    elif 'layerNorm' in joined: c = 'LayerNorm'
    elif 'lambda$attention' in joined or 'Encoder.attention' in joined:
        if 'softmax' in joined: c = 'attention: softmax'
        elif 'gemmPanel' in joined: c = 'attention: QK^T and AV GEMMs'
        else: c = 'attention: gather/copy/alloc'
    elif 'MatMul' in joined:
        if 'decodePanel' in joined or 'unpack' in joined: c = 'linear: panel decode'
        elif 'gemmPanel' in joined: c = 'linear: GEMM micro-kernel'
        elif 'groupSums' in joined: c = 'linear: group sums'
        else: c = 'linear: other (bias fill)'
    elif 'Encoder.add' in joined or 'Kernels.add' in joined: c = 'residual add'
    elif 'embeddings' in joined: c = 'embeddings'
    else: c = 'other'
    cats[c] += 1
total = sum(cats.values())
for c, n in cats.most_common(): print(f"{c:40s} {n:6d} {100*n/total:5.1f}%")
print('--- top frames')
for t, n in tops.most_common(15): print(f"{t:60s} {n:6d}")
