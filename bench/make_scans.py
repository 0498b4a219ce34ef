"""Make scanned PDFs from born-digital ones: rasterise, optionally degrade, wrap as image-only PDFs.

Two variants per input (seeded, so a rerun gives the same bytes):

* ``clean300``: rendered at 300 dpi in grey, stored as JPEG — a good office scan;
* ``degraded200``: rendered at 200 dpi, skewed by up to +-1.5 degrees, blurred,
  with Gaussian noise — a poor scan.

The output PDFs have no text layer, so ``extract_pdf`` sends them to OCR.

    python3 bench/make_scans.py --out /tmp/scans A_RES_80_37 A_RES_79_45
    python3 bench/make_scans.py --out /tmp/scans --pick 8     # the first 8 corpus PDFs of <= 3 pages
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

CORPUS = Path("/work/shared/corpus/un-pdfs")
VARIANTS = {
    "clean300": {"dpi": 300, "skew": 0.0, "blur": 0.0, "noise": 0.0, "quality": 85},
    "degraded200": {"dpi": 200, "skew": 1.5, "blur": 0.7, "noise": 12.0, "quality": 70},
}


def render(pdf_path: Path, dpi: int, pages: list[int] | None = None) -> list[Image.Image]:
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        idx = pages if pages is not None else range(len(pdf))
        return [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in idx]
    finally:
        pdf.close()


def degrade(img: Image.Image, rng: random.Random, *, skew: float, blur: float, noise: float) -> Image.Image:
    if skew:
        img = img.rotate(rng.uniform(-skew, skew), resample=Image.BICUBIC, fillcolor=255)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        arr = np.asarray(img, dtype=np.float32)
        nrng = np.random.default_rng(rng.randrange(2**32))
        arr = arr + nrng.normal(0.0, noise, arr.shape)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return img


def write_pdf(images: list[Image.Image], out: Path, dpi: int, quality: int = 85, bilevel: bool = False) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if bilevel:  # CCITT G4 inside the PDF: a small file for test data
        images = [im.point(lambda v: 255 if v > 160 else 0).convert("1") for im in images]
        images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    else:
        images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:], quality=quality)


def make_scan(src: Path, out: Path, variant: str, seed: int, pages: list[int] | None = None) -> Path:
    v = VARIANTS[variant]
    rng = random.Random(f"{seed}:{variant}:{src.name}")
    imgs = [degrade(im, rng, skew=v["skew"], blur=v["blur"], noise=v["noise"])
            for im in render(src, v["dpi"], pages)]
    write_pdf(imgs, out, v["dpi"], v["quality"])
    return out


def pick(corpus: Path, n: int, max_pages: int = 3) -> list[Path]:
    chosen = []
    for p in sorted(corpus.glob("*.pdf")):
        if len(pdfium.PdfDocument(str(p))) <= max_pages:
            chosen.append(p)
        if len(chosen) >= n:
            break
    return chosen


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("docs", nargs="*", help="corpus document stems (default: --pick)")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--pick", type=int, default=8, help="how many short corpus PDFs when no docs are named")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    args = ap.parse_args(argv)
    srcs = [args.corpus / f"{d}.pdf" for d in args.docs] if args.docs else pick(args.corpus, args.pick)
    for variant in args.variants.split(","):
        for src in srcs:
            out = make_scan(src, args.out / variant / src.name, variant, args.seed)
            print(f"{variant}: {out} ({out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
