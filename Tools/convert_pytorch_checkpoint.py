#!/usr/bin/env python3
"""Convert a PyTorch checkpoint (.pth / .pt / .pth.tar) to a safetensors file that the Swift
Layers module loads (`model.load(from:strict:)`).

Handles the usual wrappings:
  * a bare state dict ({name: tensor});
  * a training checkpoint with the weights under "state_dict" (or "model", "net",
    "model_state_dict"; pick another with --key), e.g. the MS-Celeb-1M ResNet18 that SCN uses;
  * the "module." prefix that DataParallel / DistributedDataParallel add (stripped by default;
    --strip-prefix adds more prefixes to strip).

Examples:
  python Tools/convert_pytorch_checkpoint.py resnet18_msceleb.pth.tar resnet18_msceleb.safetensors
  python Tools/convert_pytorch_checkpoint.py ckpt.pth out.safetensors --exclude '^fc\\.' --dtype float32
  python Tools/convert_pytorch_checkpoint.py ckpt.pth --list        # show what is inside, write nothing

Requires torch and safetensors (pip install torch safetensors).
"""
import argparse
import os
import re
import sys

STATE_DICT_KEYS = ("state_dict", "model_state_dict", "model", "net", "network")


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        description="Convert a PyTorch checkpoint (.pth, .pth.tar) to safetensors for the Swift Layers module.",
        epilog="Without --unsafe-pickle the checkpoint is opened with torch.load(weights_only=True), which "
               "refuses to run code stored in the pickle.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", help="PyTorch checkpoint (.pth, .pt, .pth.tar)")
    parser.add_argument("output", nargs="?", help="safetensors file to write (required unless --list)")
    parser.add_argument("--key", help="entry of the checkpoint that holds the state dict "
                        f"(default: the first of {', '.join(STATE_DICT_KEYS)} present, else the checkpoint itself)")
    parser.add_argument("--strip-prefix", action="append", default=[],
                        help="prefix to remove from every name (repeatable; 'module.' is always stripped)")
    parser.add_argument("--exclude", action="append", default=[],
                        help="regular expression; matching names are left out (repeatable), e.g. '^fc\\.'")
    parser.add_argument("--dtype", choices=["keep", "float32", "float64"], default="float32",
                        help="floating-point dtype to store (default float32, what the Swift models use); "
                        "integer tensors such as num_batches_tracked are kept as they are")
    parser.add_argument("--list", action="store_true", help="print the names, shapes and dtypes and exit")
    parser.add_argument("--unsafe-pickle", action="store_true",
                        help="allow arbitrary pickled objects (torch.load weights_only=False); only for trusted files")
    args = parser.parse_args(argv)
    if not args.list and not args.output:
        parser.error("the output path is required (or use --list)")
    return args


def load_checkpoint(path, unsafe):
    import torch
    if not os.path.isfile(path):
        fail(f"{path}: no such file")
    try:
        return torch.load(path, map_location="cpu", weights_only=not unsafe)
    except Exception as error:  # torch raises many types here (UnpicklingError, RuntimeError, ...)
        hint = "" if unsafe else (" If the file is trusted and holds other pickled objects (e.g. an argparse "
                                  "Namespace or optimizer classes), retry with --unsafe-pickle.")
        fail(f"{path}: cannot be read by torch.load: {error}.{hint}")


def find_state_dict(checkpoint, key):
    import torch
    if key is not None:
        if not isinstance(checkpoint, dict) or key not in checkpoint:
            keys = list(checkpoint.keys()) if isinstance(checkpoint, dict) else type(checkpoint).__name__
            fail(f"the checkpoint has no entry '{key}' (it has: {keys})")
        return checkpoint[key], key
    if isinstance(checkpoint, torch.nn.Module):
        return checkpoint.state_dict(), "<module>.state_dict()"
    if not isinstance(checkpoint, dict):
        fail(f"expected a dict or nn.Module in the checkpoint, found {type(checkpoint).__name__}")
    for candidate in STATE_DICT_KEYS:
        if candidate in checkpoint and isinstance(checkpoint[candidate], dict):
            return checkpoint[candidate], candidate
    return checkpoint, "<root>"


def convert(state_dict, prefixes, excludes, dtype):
    """Returns ({name: contiguous tensor}, [skipped (name, reason)])."""
    import torch
    tensors, skipped = {}, []
    patterns = [re.compile(p) for p in excludes]
    for raw_name, value in state_dict.items():
        name = str(raw_name)
        changed = True
        while changed:  # strip repeatedly: module.module.x from nested wrappers
            changed = False
            for prefix in ["module."] + prefixes:
                if name.startswith(prefix):
                    name, changed = name[len(prefix):], True
        if not isinstance(value, torch.Tensor):
            skipped.append((raw_name, f"not a tensor ({type(value).__name__})"))
            continue
        if any(p.search(name) for p in patterns):
            skipped.append((raw_name, "excluded"))
            continue
        if name in tensors:
            fail(f"two entries map to the name '{name}' after stripping prefixes (one is '{raw_name}')")
        tensor = value.detach().cpu()
        if tensor.is_floating_point() and dtype != "keep":
            tensor = tensor.to(torch.float32 if dtype == "float32" else torch.float64)
        # clone: safetensors refuses tensors that share storage.
        tensors[name] = tensor.contiguous().clone()
    return tensors, skipped


def main(argv=None):
    args = parse_arguments(argv)
    try:
        import torch  # noqa: F401
        from safetensors.torch import save_file
    except ImportError as error:
        fail(f"{error}. Install the requirements: pip install torch safetensors")
    checkpoint = load_checkpoint(args.input, args.unsafe_pickle)
    state_dict, where = find_state_dict(checkpoint, args.key)
    if not isinstance(state_dict, dict) or not state_dict:
        fail(f"the state dict found at {where} is empty or not a dict ({type(state_dict).__name__})")
    tensors, skipped = convert(state_dict, args.strip_prefix, args.exclude, args.dtype)
    if not tensors:
        fail(f"no tensors left to write from {where} (skipped: {skipped})")

    print(f"{args.input}: state dict at {where}, {len(tensors)} tensors, "
          f"{sum(t.numel() for t in tensors.values()):,} elements")
    for raw_name, reason in skipped:
        print(f"  skipped {raw_name}: {reason}")
    if args.list:
        for name, t in tensors.items():
            print(f"  {name:50s} {str(list(t.shape)):22s} {str(t.dtype).replace('torch.', '')}")
        return 0
    metadata = {"format": "pt", "source": os.path.basename(args.input)}
    directory = os.path.dirname(os.path.abspath(args.output))
    temporary = os.path.join(directory, f".{os.path.basename(args.output)}.{os.getpid()}.tmp")
    try:
        save_file(tensors, temporary, metadata=metadata)
        os.replace(temporary, args.output)  # atomic: never a half-written output
    except Exception as error:
        if os.path.exists(temporary):
            os.remove(temporary)
        fail(f"cannot write {args.output}: {error}")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
