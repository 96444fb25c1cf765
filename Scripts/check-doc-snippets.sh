#!/usr/bin/env bash
# Every ```swift block of README.md and Documentation/*.md must compile against this package's
# library products. Each block becomes the body of a function in a file of its own (with a
# #sourceLocation, so an error names the document and its line), and all of them are
# type-checked in one swiftc run against the modules of the debug build (`swift build` first;
# .ci/run does). Conventions, for writers of the documents:
#   - A block with `import` lines gets exactly those imports; a block without any gets every
#     library product and Foundation.
#   - Names a block uses but does not define (a model, a batch of images) come from a hidden
#     setup written just above it, inside an HTML comment that a reader does not see:
#         <!-- snippet-setup
#         var rng = RandomGenerator(seed: 1)
#         -->
#   - A block whose first line is `// swift-tools-version…` is a whole Package.swift: it is
#     type-checked against SwiftPM's PackageDescription instead.
#   - ```swift-fragment marks a block that is not compiled (a quoted signature or code that
#     only compiles inside a module); keep them rare.
#   - Documentation/BuildingANoisyLabelModel.md is left out: its blocks are Examples/Tutorial,
#     which CI builds and runs, and TutorialDocumentTests checks that they are shown verbatim.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bin=$(swift build --show-bin-path)
[ -d "$bin/Modules" ] || { echo "check-doc-snippets: no modules in $bin; run swift build first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

products="Autodiff Layers LRN FERData Inference Training FaceDetection Experiments Distributed"
documents=$(ls README.md Documentation/*.md | grep -v 'Documentation/BuildingANoisyLabelModel.md')

# Split every document into one file per block: NAME.body (the block), NAME.setup (its hidden
# setup, possibly empty) and NAME.where ("document line" of the block's first line).
for document in $documents; do
    awk -v doc="$document" -v prefix="$work/$(echo "$document" | tr -c 'A-Za-z0-9\n' '_')" '
        /^<!-- snippet-setup/ { insetup = 1; setup = ""; next }
        insetup && /^-->/ { insetup = 0; pending = 1; next }
        insetup { setup = setup $0 "\n"; next }
        !inblock && /^```swift[ \t]*$/ {
            inblock = 1; n++
            name = prefix "_" n
            printf "%s %d\n", doc, NR + 1 > (name ".where")
            printf "%s", (pending ? setup : "") > (name ".setup")
            close(name ".where"); close(name ".setup")
            pending = 0
            next
        }
        inblock && /^```/ { inblock = 0; close(name ".body"); next }
        inblock { print > (name ".body"); next }
        /[^ \t]/ { pending = 0 }
    ' "$document"
done

snippets=0
manifests=()
for body in "$work"/*.body; do
    [ -e "$body" ] || continue
    name=${body%.body}
    read -r document line < "$name.where"
    if head -1 "$body" | grep -q '^// swift-tools-version'; then
        manifests+=("$name")
        continue
    fi
    snippets=$((snippets + 1))
    source="$work/snippet_$snippets.swift"
    imports=$(cat "$name.setup" "$body" | grep -E '^import ' | sort -u || true)
    if [ -z "$imports" ]; then
        imports=$(for p in $products Foundation; do echo "import $p"; done)
    fi
    {
        echo "$imports"
        echo "func snippet_$snippets() throws {"
        grep -vE '^import ' "$name.setup" || true
        echo "#sourceLocation(file: \"$document\", line: $line)"
        sed -E 's/^import .*//' "$body"    # blanked, not dropped: the lines keep their numbers
        echo "#sourceLocation()"
        echo "}"
    } > "$source"
done

status=0
if [ "$snippets" -gt 0 ]; then
    # The C modules the Swift modules import: CKernels by its include folder, the image
    # libraries and MPI by their module maps (MPI's headers where pkg-config says).
    # Unused results are normal in a snippet: warnings are off, errors are what counts.
    mpi_flags=()
    for flag in $(pkg-config --cflags ompi-c); do mpi_flags+=(-Xcc "$flag"); done
    swiftc -typecheck -suppress-warnings -module-name DocSnippets -I "$bin/Modules" \
        -Xcc -I -Xcc "$root/Sources/CKernels/include" \
        -Xcc -fmodule-map-file="$root/Sources/CTurboJPEG/module.modulemap" \
        -Xcc -fmodule-map-file="$root/Sources/CPNG/module.modulemap" \
        -Xcc -fmodule-map-file="$root/Sources/CMPI/module.modulemap" "${mpi_flags[@]}" \
        "$work"/snippet_*.swift || status=1
fi

# SwiftPM's PackageDescription module sits beside the compiler (lib/swift/pm/ManifestAPI).
manifest_api="$(dirname "$(dirname "$(readlink -f "$(command -v swiftc)")")")/lib/swift/pm/ManifestAPI"
for name in "${manifests[@]+"${manifests[@]}"}"; do
    read -r document line < "$name.where"
    source="$work/$(basename "$name")_Package.swift"
    { echo "#sourceLocation(file: \"$document\", line: $line)"; cat "$name.body"; } > "$source"
    tools=$(head -1 "$name.body" | sed -E 's|^// swift-tools-version: *([0-9.]+).*|\1|')
    swiftc -typecheck -I "$manifest_api" -package-description-version "$tools" "$source" || status=1
done

if [ "$status" -ne 0 ]; then
    echo "check-doc-snippets: a Swift block of the documents above does not compile" >&2
    exit 1
fi
echo "check-doc-snippets: $snippets Swift blocks and ${#manifests[@]} Package.swift blocks compile"
