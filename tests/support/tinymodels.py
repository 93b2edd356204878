"""Tiny random-weight diffusers pipelines, built offline and saved as a user's model folder is.

Every test of a diffusers backend loads its model through the real
`from_pretrained(..., use_safetensors=True)` path from a folder these
builders write (see ../shared/notes/offline-models.md): no weights are
downloaded, and each model is a few hundred kilobytes. diffusers and
transformers are imported inside the builders, so importing this module
costs nothing where the ai extra is missing.
"""

from __future__ import annotations

import json
from pathlib import Path

WORDS = "a the shot of lighthouse at dusk sea waves red car city night rain camera moves".split()  # noqa: SIM905


def t5_tokenizer():
    """A T5/UMT5-style tokenizer from a word list: no sentencepiece file, nothing downloaded."""
    from transformers import T5Tokenizer

    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)] + [
        (f"▁{w}", -float(i)) for i, w in enumerate(WORDS)
    ]
    return T5Tokenizer(vocab=vocab, extra_ids=0)


def tiny_wan(folder: Path) -> None:
    from diffusers import UniPCMultistepScheduler, WanPipeline, WanTransformer3DModel

    tokenizer = t5_tokenizer()
    text_encoder, vae = _umt5(tokenizer), _wan_vae()
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=16, out_channels=16,
        text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True,
        qk_norm="rms_norm_across_heads", rope_max_seq_len=32,
    )  # fmt: skip
    scheduler = UniPCMultistepScheduler(
        prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0
    )
    pipe = WanPipeline(
        tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=transformer, scheduler=scheduler
    )
    pipe.save_pretrained(folder, safe_serialization=True)


def tiny_wan_i2v(folder: Path) -> None:
    """Wan 2.1's image-to-video layout: 36 input channels and a CLIP vision encoder."""
    from diffusers import (
        UniPCMultistepScheduler,
        WanImageToVideoPipeline,
        WanTransformer3DModel,
    )
    from transformers import (
        CLIPImageProcessor,
        CLIPVisionConfig,
        CLIPVisionModel,
    )

    tokenizer = t5_tokenizer()
    text_encoder, vae = _umt5(tokenizer), _wan_vae()
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=36, out_channels=16,
        text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True,
        qk_norm="rms_norm_across_heads", rope_max_seq_len=32, image_dim=4,
    )  # fmt: skip
    image_encoder = CLIPVisionModel(
        CLIPVisionConfig(hidden_size=4, projection_dim=4, num_hidden_layers=2, num_attention_heads=2,
                         image_size=32, intermediate_size=16, patch_size=1)
    )  # fmt: skip
    pipe = WanImageToVideoPipeline(
        tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=transformer,
        scheduler=UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True),
        image_encoder=image_encoder, image_processor=CLIPImageProcessor(crop_size=32, size=32),
    )  # fmt: skip
    pipe.save_pretrained(folder, safe_serialization=True)


def tiny_ltx(folder: Path) -> None:
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )
    from transformers import T5Config, T5EncoderModel

    tokenizer = t5_tokenizer()
    text_encoder = T5EncoderModel(
        T5Config(vocab_size=len(tokenizer), d_model=32, d_kv=8, d_ff=32, num_layers=1, num_heads=4,
                 relative_attention_num_buckets=8)
    )  # fmt: skip
    # caption_channels = T5 d_model; cross_attention_dim = heads x head_dim; channels = latent_channels
    transformer = LTXVideoTransformer3DModel(
        in_channels=8, out_channels=8, patch_size=1, patch_size_t=1, num_attention_heads=4,
        attention_head_dim=8, cross_attention_dim=32, num_layers=1, caption_channels=32,
    )  # fmt: skip
    vae = AutoencoderKLLTXVideo(
        in_channels=3, out_channels=3, latent_channels=8, block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8), layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1), spatio_temporal_scaling=(True, True, False, False),
        decoder_spatio_temporal_scaling=(True, True, False, False),
        decoder_inject_noise=(False, False, False, False, False),
        upsample_residual=(False, False, False, False),
        upsample_factor=(1, 1, 1, 1), timestep_conditioning=False, patch_size=1, patch_size_t=1,
        encoder_causal=True, decoder_causal=False,
    )  # fmt: skip
    pipe = LTXPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae, text_encoder=text_encoder, tokenizer=tokenizer,
        transformer=transformer,
    )  # fmt: skip
    pipe.save_pretrained(folder, safe_serialization=True)


def drive_as(folder: Path, preset: str, **fields) -> None:
    """Tell Shotline to drive the tiny model like `preset`, at a tiny native size."""
    (folder / "shotline.json").write_text(json.dumps({"preset": preset, **fields}))


def tiny_vace(folder: Path) -> None:
    """Wan VACE (inpaint and extend): the Wan layout plus a control path for video and mask."""
    from diffusers import FlowMatchEulerDiscreteScheduler, WanVACEPipeline, WanVACETransformer3DModel

    tokenizer = t5_tokenizer()
    # VACE's control path takes the masked video's latents (z_dim), the kept part's (z_dim) and the mask (64)
    transformer = WanVACETransformer3DModel(
        patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=16, out_channels=16,
        text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True,
        qk_norm="rms_norm_across_heads", rope_max_seq_len=32, vace_layers=[0], vace_in_channels=96,
    )  # fmt: skip
    pipe = WanVACEPipeline(
        tokenizer=tokenizer, text_encoder=_umt5(tokenizer), vae=_wan_vae(), transformer=transformer,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=3.0),
    )  # fmt: skip
    pipe.save_pretrained(folder, safe_serialization=True)


def _umt5(tokenizer):
    from transformers import UMT5Config, UMT5EncoderModel

    return UMT5EncoderModel(
        UMT5Config(vocab_size=len(tokenizer), d_model=32, d_kv=8, d_ff=32, num_layers=1, num_heads=4,
                   relative_attention_num_buckets=8)
    )  # fmt: skip


def _wan_vae():
    from diffusers import AutoencoderKLWan

    return AutoencoderKLWan(
        base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1, temperal_downsample=[False, True, True]
    )


def tiny_z_image(folder: Path) -> None:
    """Z-Image (image.generate): a Qwen3 text encoder with a word-level chat tokenizer, a one-block VAE.

    ZImagePipeline wraps the prompt in the tokenizer's chat template and reads
    the encoder's second-to-last hidden state, so the tokenizer needs a
    template and the transformer's `cap_feat_dim` is the encoder's hidden size.
    """
    from diffusers import (
        AutoencoderKL,
        FlowMatchEulerDiscreteScheduler,
        ZImagePipeline,
        ZImageTransformer2DModel,
    )
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, Qwen3Config, Qwen3Model

    words = ["<pad>", "<unk>", "<|im_start|>", "<|im_end|>", "user", "assistant", *WORDS]
    word_level = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    word_level.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=word_level, pad_token="<pad>", unk_token="<unk>")
    tokenizer.chat_template = (
        "{% for m in messages %}<|im_start|> {{ m['role'] }} {{ m['content'] }} <|im_end|> {% endfor %}"
        "{% if add_generation_prompt %}<|im_start|> assistant {% endif %}"
    )
    text_encoder = Qwen3Model(Qwen3Config(
        vocab_size=len(words), hidden_size=16, intermediate_size=32, num_hidden_layers=2,
        num_attention_heads=2, num_key_value_heads=2, head_dim=8, max_position_embeddings=512,
    ))  # fmt: skip
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=16, block_out_channels=(8,),
        down_block_types=("DownEncoderBlock2D",), up_block_types=("UpDecoderBlock2D",), norm_num_groups=8,
        sample_size=32, shift_factor=0.0, scaling_factor=1.0,
    )  # fmt: skip
    transformer = ZImageTransformer2DModel(
        all_patch_size=(2,), all_f_patch_size=(1,), in_channels=16, dim=32, n_layers=1, n_refiner_layers=1,
        n_heads=2, n_kv_heads=2, cap_feat_dim=16, axes_dims=[8, 4, 4], axes_lens=[256, 128, 128],
    )  # fmt: skip
    pipe = ZImagePipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae, text_encoder=text_encoder, tokenizer=tokenizer,
        transformer=transformer,
    )  # fmt: skip
    pipe.save_pretrained(folder, safe_serialization=True)
