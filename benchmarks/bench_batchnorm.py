"""Batch norm forward+backward of the reference, against PyTorch's CPU batch_norm and the memory bandwidth.

    python benchmarks/bench_batchnorm.py [--repeat 7] [--sizes 256x256,1024x512,4096x1024]

For every size and dtype it times, on the same arrays in the same run:
- the reference forward + graph-form backward (``batchnorm_backward``);
- the reference forward + closed-form backward (``batchnorm_backward_alt``);
- torch.nn.functional.batch_norm forward + autograd backward on the CPU, when torch is installed
  (``pip install torch==2.13.0``), with torch limited to one thread like numpy here;
- a bandwidth bound: the bytes a fused forward+backward must move at least (read x and dout, write out
  and dx: 4 N D elements) divided by the copy rate of a large array measured now.
It prints the median times and the ratios reference / baseline (lower is better; 1.0 = as fast).
"""
import argparse
import os
import time

import numpy as np

from solutions.BatchNormalization.layers import batchnorm_backward, batchnorm_backward_alt, batchnorm_forward


def median_time(fn, repeat):
    fn()  # warm-up: page faults and caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def copy_bandwidth(repeat):
    """Bytes per second of a large array copy (read + write), the machine's practical memory bandwidth."""
    src = np.random.rand(64 << 20 >> 3)  # 64 MiB
    dst = np.empty_like(src)
    seconds = median_time(lambda: np.copyto(dst, src), repeat)
    return 2 * src.nbytes / seconds


def torch_step(torch, x, gamma, beta, dout):
    xt = torch.from_numpy(x).requires_grad_(True)
    g = torch.from_numpy(gamma).requires_grad_(True)
    b = torch.from_numpy(beta).requires_grad_(True)
    out = torch.nn.functional.batch_norm(xt, None, None, g, b, training=True, eps=1e-5)
    out.backward(torch.from_numpy(dout))
    return xt.grad


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=7)
    parser.add_argument('--sizes', default='256x256,1024x512,4096x1024')
    args = parser.parse_args(argv)
    sizes = [tuple(int(v) for v in s.split('x')) for s in args.sizes.split(',')]
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        torch = None
        print('torch is not installed: the baseline is the bandwidth bound only (pip install torch==2.13.0)')
    bandwidth = copy_bandwidth(args.repeat)
    print('copy bandwidth: %.1f GB/s; numpy %s%s; threads: OMP_NUM_THREADS=%s' % (
        bandwidth / 1e9, np.__version__, ', torch %s' % torch.__version__ if torch else '',
        os.environ.get('OMP_NUM_THREADS', 'unset')))
    header = '%-10s %-8s %10s %10s %10s %10s | %9s %9s | %9s %9s' % (
        'N x D', 'dtype', 'graph ms', 'closed ms', 'torch ms', 'bound ms', 'graph/T', 'closed/T', 'graph/B', 'closed/B')
    print(header)
    print('-' * len(header))
    rng = np.random.default_rng(0)
    for N, D in sizes:
        for dtype in (np.float32, np.float64):
            x = rng.standard_normal((N, D)).astype(dtype) * 3 + 1
            gamma, beta = rng.standard_normal(D).astype(dtype), rng.standard_normal(D).astype(dtype)
            dout = rng.standard_normal((N, D)).astype(dtype)

            def reference(backward):
                def step():
                    out, cache = batchnorm_forward(x, gamma, beta, {'mode': 'train'})
                    return backward(dout, cache)
                return step

            graph = median_time(reference(batchnorm_backward), args.repeat)
            closed = median_time(reference(batchnorm_backward_alt), args.repeat)
            tt = median_time(lambda: torch_step(torch, x, gamma, beta, dout), args.repeat) if torch else float('nan')
            bound = 4 * N * D * np.dtype(dtype).itemsize / bandwidth
            print('%-10s %-8s %10.2f %10.2f %10.2f %10.2f | %9.2f %9.2f | %9.1f %9.1f' % (
                '%dx%d' % (N, D), np.dtype(dtype).name, 1e3 * graph, 1e3 * closed, 1e3 * tt, 1e3 * bound,
                graph / tt, closed / tt, graph / bound, closed / bound))


if __name__ == '__main__':
    main()
