#!/bin/bash
# Multi-host jaxrelic sweep on SLURM: one process per node (each uses all GPUs of its node),
# coordinated by jax.distributed; process k evaluates chunks i with i % N == k and writes
# scan.part<k>.nc; the last step merges the parts into scan.nc.
#
#   sbatch scripts/slurm_sweep.sh
#
# A killed or timed-out job is continued by resubmitting it with RESUME=1 (finished chunks are
# kept; the node count must be the same, since it decides which chunks each part holds).
#SBATCH --job-name=jaxrelic-scan
#SBATCH --nodes=4
#SBATCH --ntasks-per-node=1
#SBATCH --gpus-per-node=4
#SBATCH --cpus-per-task=16
#SBATCH --time=04:00:00
#SBATCH --output=jaxrelic-scan-%j.log

set -euo pipefail

OUT=${OUT:-scan.nc}
RESUME_FLAG=""
if [ "${RESUME:-0}" = "1" ]; then RESUME_FLAG="--resume"; fi

# jax.distributed.initialize() reads the coordinator address, process count and index from the
# SLURM environment (SLURM_JOB_NODELIST, SLURM_NTASKS, SLURM_PROCID) when called without arguments.
srun jaxrelic scan twin-higgs \
    --grid m_nu=0.3:3:200:log --grid r=0.2:2:100:log \
    --set delta=0.1 --set theta1=4.378e-4 --set n_q=128 --set n_a=600 \
    --chunk-size 4096 --out "$OUT" --distributed --quiet $RESUME_FLAG

# one process merges the part files (scan.part0.nc ... scan.part<N-1>.nc) into scan.nc
jaxrelic scan --merge --out "$OUT" --overwrite
