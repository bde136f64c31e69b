/** Tokens that name a form factor, memory size or interconnect rather than the GPU model. */
const variantToken = /^(?:SXM\d*|PCIE|NVL|NVLINK|HBM\d*E?|\d+GB|\d+G[Bb]?-?HBM\d*E?|OAM)$/i;

/**
 * A GPU product label as people say it: `NVIDIA-A100-SXM4-80GB` → `NVIDIA A100`,
 * `NVIDIA-GeForce-RTX-4090` → `NVIDIA GeForce RTX 4090`, `NVIDIA-H100-80GB-HBM3` →
 * `NVIDIA H100`, `Tesla-T4` → `NVIDIA Tesla T4`, MIG products keep their profile
 * (`NVIDIA-A100-SXM4-40GB-MIG-1g.5gb` → `NVIDIA A100 MIG 1g.5gb`), AMD's
 * `AMD_Instinct_MI300X` → `AMD Instinct MI300X`. Form factor (SXM4, PCIe, NVL) and memory size
 * tokens are dropped; an empty label reads `GPU`. Labels are those of NVIDIA GPU feature
 * discovery (`nvidia.com/gpu.product`) and the AMD node labeller.
 * @see https://github.com/NVIDIA/k8s-device-plugin#catalog-of-labels
 */
export function humanizeGpuProduct(label: string): string {
  const trimmed = label.trim();
  if (!trimmed) return 'GPU';
  const migAt = trimmed.search(/-MIG-/i);
  const model = migAt >= 0 ? trimmed.slice(0, migAt) : trimmed;
  const mig = migAt >= 0 ? trimmed.slice(migAt + 5) : undefined;
  const words = model.split(/[-_\s]+/).filter((word) => word && !variantToken.test(word));
  if (words[0] && /^(?:Tesla|Quadro|GeForce)$/i.test(words[0])) words.unshift('NVIDIA');
  const name = words.join(' ') || trimmed;
  return mig ? `${name} MIG ${mig}` : name;
}
