"""A tiny Wan 2.1 text-to-video model with random weights, to prove an AI environment works.

`setup-ai` runs this inside the new environment (`python -m
engine.setup_ai.tiny_model FOLDER`), then has the engine load the folder
through the very path users run (the `wan` backend's
`from_pretrained(..., use_safetensors=True)`) and render five frames. It
needs torch, diffusers and transformers, and nothing downloaded: the
tokenizer is made from a word list and the weights are random (about 1 MB).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

WORDS = "a the lighthouse at dusk sea waves".split()  # noqa: SIM905
#: The preset that drives the folder, at a native size this small model can make.
DRIVE_AS = {"preset": "wan2.1-t2v-1.3b", "native_sizes": [[64, 64]]}


def build(folder: Path) -> None:
    import torch
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanPipeline, WanTransformer3DModel
    from transformers import T5Tokenizer, UMT5Config, UMT5EncoderModel

    torch.manual_seed(0)
    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)] + [
        (f"▁{w}", -float(i)) for i, w in enumerate(WORDS)
    ]
    tokenizer = T5Tokenizer(vocab=vocab, extra_ids=0)
    text_encoder = UMT5EncoderModel(
        UMT5Config(
            vocab_size=len(tokenizer),
            d_model=32,
            d_kv=8,
            d_ff=32,
            num_layers=1,
            num_heads=4,
            relative_attention_num_buckets=8,
        )
    )
    vae = AutoencoderKLWan(
        base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1, temperal_downsample=[False, True, True]
    )
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=16,
        out_channels=16,
        text_dim=32,
        freq_dim=256,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32,
    )
    scheduler = UniPCMultistepScheduler(
        prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0
    )
    pipe = WanPipeline(
        tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=transformer, scheduler=scheduler
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    (folder / "shotline.json").write_text(json.dumps(DRIVE_AS))


if __name__ == "__main__":
    build(Path(sys.argv[1]))
