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


def tiny_ltx(folder: Path, num_layers: int = 1) -> None:
    """A tiny LTX-Video; `num_layers` 2 or more for a step cache (FirstBlockCache skips the rest)."""
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
        attention_head_dim=8, cross_attention_dim=32, num_layers=num_layers, caption_channels=32,
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


def word_tokenizer(model_max_length: int = 64):
    """A word-level fast tokenizer (Gemma's place in LTX-2, Qwen's in ACE-Step): nothing downloaded."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    specials = ["<pad>", "<eos>", "<bos>", "<unk>"]
    vocab = {word: i for i, word in enumerate([*specials, *WORDS])}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(
        tokenizer_object=core, pad_token="<pad>", eos_token="<eos>", bos_token="<bos>", unk_token="<unk>",
        model_max_length=model_max_length, padding_side="left",
    )  # fmt: skip


def _ltx2_parts():
    """The components every LTX-2 pipeline shares, tiny: video and sound transformer, both VAEs, vocoder.

    The text encoder is a small Gemma 3 (text hidden 32 = 4 heads x 8); the
    connectors' heads x head_dim must equal that hidden size, and their
    `text_proj_in_factor` is the encoder's layers + 1 (every hidden state is stacked).
    """
    import torch
    from diffusers import (
        AutoencoderKLLTX2Audio,
        AutoencoderKLLTX2Video,
        FlowMatchEulerDiscreteScheduler,
        LTX2VideoTransformer3DModel,
    )
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder
    from transformers import Gemma3Config, Gemma3ForConditionalGeneration

    tokenizer = word_tokenizer()
    hidden, layers = 32, 2
    config = Gemma3Config(
        text_config={"vocab_size": len(tokenizer), "hidden_size": hidden, "intermediate_size": 32,
                     "num_hidden_layers": layers, "num_attention_heads": 4, "num_key_value_heads": 4,
                     "head_dim": 8, "sliding_window": 16, "max_position_embeddings": 128},
        vision_config={"hidden_size": 16, "intermediate_size": 16, "num_hidden_layers": 1,
                       "num_attention_heads": 2, "image_size": 16, "patch_size": 8},
        mm_tokens_per_image=4,
    )  # fmt: skip
    torch.manual_seed(0)
    text_encoder = Gemma3ForConditionalGeneration(config)
    transformer = LTX2VideoTransformer3DModel(
        in_channels=4, out_channels=4, patch_size=1, patch_size_t=1, num_attention_heads=2,
        attention_head_dim=8, cross_attention_dim=16, audio_in_channels=4, audio_out_channels=4,
        audio_num_attention_heads=2, audio_attention_head_dim=4, audio_cross_attention_dim=8, num_layers=2,
        qk_norm="rms_norm_across_heads", caption_channels=hidden, rope_double_precision=False,
        rope_type="split",
    )  # fmt: skip
    connectors = LTX2TextConnectors(
        caption_channels=hidden, text_proj_in_factor=layers + 1, video_connector_num_attention_heads=4,
        video_connector_attention_head_dim=8, video_connector_num_layers=1,
        video_connector_num_learnable_registers=None, audio_connector_num_attention_heads=4,
        audio_connector_attention_head_dim=8, audio_connector_num_layers=1,
        audio_connector_num_learnable_registers=None, connector_rope_base_seq_len=32, rope_theta=10000.0,
        rope_double_precision=False, causal_temporal_positioning=False, rope_type="split",
    )  # fmt: skip
    vae = AutoencoderKLLTX2Video(
        in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8,),
        decoder_block_out_channels=(8,), layers_per_block=(1,), decoder_layers_per_block=(1, 1),
        spatio_temporal_scaling=(True,), decoder_spatio_temporal_scaling=(True,),
        decoder_inject_noise=(False, False), downsample_type=("spatial",), upsample_residual=(False,),
        upsample_factor=(1,), timestep_conditioning=False, patch_size=1, patch_size_t=1, encoder_causal=True,
        decoder_causal=False,
    )  # fmt: skip
    vae.use_framewise_encoding = vae.use_framewise_decoding = False
    audio_vae = AutoencoderKLLTX2Audio(
        base_channels=4, output_channels=2, ch_mult=(1,), num_res_blocks=1, attn_resolutions=None,
        in_channels=2, resolution=32, latent_channels=2, norm_type="pixel", causality_axis="height",
        dropout=0.0, mid_block_add_attention=False, sample_rate=16000, mel_hop_length=160, is_causal=True,
        mel_bins=8,
    )  # fmt: skip
    vocoder = LTX2Vocoder(
        in_channels=2 * 8, hidden_channels=32, out_channels=2, upsample_kernel_sizes=[4, 4],
        upsample_factors=[2, 2], resnet_kernel_sizes=[3], resnet_dilations=[[1, 3, 5]],
        leaky_relu_negative_slope=0.1, output_sampling_rate=16000,
    )  # fmt: skip
    return {
        "scheduler": FlowMatchEulerDiscreteScheduler(), "vae": vae, "audio_vae": audio_vae,
        "text_encoder": text_encoder, "tokenizer": tokenizer, "connectors": connectors,
        "transformer": transformer, "vocoder": vocoder, "processor": None, "prompt_enhancer": None,
        "duration_head": None,
    }  # fmt: skip


def tiny_ltx2(folder: Path) -> None:
    """LTX-2 (LTX2Pipeline): picture and sound from one transformer; its other pipelines reuse the parts."""
    from diffusers import LTX2Pipeline

    LTX2Pipeline(**_ltx2_parts()).save_pretrained(folder, safe_serialization=True)


def _wan_expert(in_channels: int = 16, vace: bool = False):
    """One tiny Wan transformer: an expert of Wan 2.2 A14B (two of them, high and low noise)."""
    from diffusers import WanTransformer3DModel, WanVACETransformer3DModel

    common = dict(
        patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=in_channels,
        out_channels=16, text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True,
        qk_norm="rms_norm_across_heads", rope_max_seq_len=32,
    )  # fmt: skip
    if vace:  # the control path takes the masked video's latents, the kept part's and the mask (64)
        return WanVACETransformer3DModel(**common, vace_layers=[0], vace_in_channels=96)
    return WanTransformer3DModel(**common)


def tiny_wan22_a14b(folder: Path, image_to_video: bool = False) -> None:
    """Wan 2.2 A14B's layout: two experts switched at boundary_ratio; image-to-video takes a last image too.

    Its image-to-video has no CLIP image encoder (the picture goes in through
    the VAE's latents: 16 noise + 4 mask + 16 picture = 36 input channels).
    """
    from diffusers import UniPCMultistepScheduler, WanImageToVideoPipeline, WanPipeline

    tokenizer = t5_tokenizer()
    channels = 36 if image_to_video else 16
    parts = dict(
        tokenizer=tokenizer, text_encoder=_umt5(tokenizer), vae=_wan_vae(),
        scheduler=UniPCMultistepScheduler(
            prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0
        ),
        transformer=_wan_expert(channels), transformer_2=_wan_expert(channels),
    )  # fmt: skip
    if image_to_video:
        pipe = WanImageToVideoPipeline(**parts, image_encoder=None, image_processor=None, boundary_ratio=0.9)
    else:
        pipe = WanPipeline(**parts, boundary_ratio=0.875)
    pipe.save_pretrained(folder, safe_serialization=True)


def tiny_vace_a14b(folder: Path) -> None:
    """Wan 2.2 VACE Fun A14B's layout: WanVACEPipeline with two VACE experts."""
    from diffusers import FlowMatchEulerDiscreteScheduler, WanVACEPipeline

    tokenizer = t5_tokenizer()
    pipe = WanVACEPipeline(
        tokenizer=tokenizer, text_encoder=_umt5(tokenizer), vae=_wan_vae(),
        scheduler=FlowMatchEulerDiscreteScheduler(shift=3.0), transformer=_wan_expert(vace=True),
        transformer_2=_wan_expert(vace=True), boundary_ratio=0.875,
    )  # fmt: skip
    pipe.save_pretrained(folder, safe_serialization=True)


def tiny_wan_lora(folder: Path, names: tuple[str, ...] = ("high.safetensors", "low.safetensors")) -> None:
    """A LoRA pair for the tiny Wan experts (a Lightning-like high-noise and low-noise file), via peft."""
    import torch
    from diffusers import WanPipeline
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    for index, name in enumerate(names):
        torch.manual_seed(index)
        expert = _wan_expert()
        expert.add_adapter(LoraConfig(r=2, lora_alpha=2, target_modules=["to_q", "to_k", "to_v"],
                                      init_lora_weights=False))  # fmt: skip
        WanPipeline.save_lora_weights(
            folder, transformer_lora_layers=get_peft_model_state_dict(expert), weight_name=name
        )


def tiny_acestep(folder: Path) -> None:
    """ACE-Step 1.5 (AceStepPipeline) at 48 kHz: tiny DiT, condition encoder, Qwen3 encoder, Oobleck VAE.

    The VAE's latent size (encoder_hidden_size / 2) must equal the DiT's
    acoustic size (8) for a repaint, and its strides (2x4x4x6x10 = 1920)
    give ACE-Step's 25 latents a second at 48 kHz.
    """
    import torch
    from diffusers import AutoencoderOobleck, FlowMatchEulerDiscreteScheduler
    from diffusers.models.transformers.ace_step_transformer import AceStepTransformer1DModel
    from diffusers.pipelines.ace_step import AceStepConditionEncoder, AceStepPipeline
    from transformers import Qwen3Config, Qwen3Model

    tokenizer = word_tokenizer(256)
    torch.manual_seed(0)
    heads = dict(
        num_attention_heads=4, num_key_value_heads=2, head_dim=8, rope_theta=10000.0, sliding_window=16
    )
    transformer = AceStepTransformer1DModel(
        hidden_size=32, intermediate_size=64, num_hidden_layers=2, in_channels=24,
        audio_acoustic_hidden_dim=8, patch_size=2, **heads,
    )  # fmt: skip
    text_encoder = Qwen3Model(
        Qwen3Config(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                    num_key_value_heads=2, head_dim=8, vocab_size=len(tokenizer), max_position_embeddings=256)
    )  # fmt: skip
    condition_encoder = AceStepConditionEncoder(
        hidden_size=32, intermediate_size=64, text_hidden_dim=32, timbre_hidden_dim=8,
        num_lyric_encoder_hidden_layers=2, num_timbre_encoder_hidden_layers=2, **heads,
    )  # fmt: skip
    vae = AutoencoderOobleck(
        encoder_hidden_size=16, downsampling_ratios=[2, 4, 4, 6, 10], decoder_channels=4,
        decoder_input_channels=8, audio_channels=2, channel_multiples=[1, 1, 1, 1, 1], sampling_rate=48000,
    )  # fmt: skip
    pipe = AceStepPipeline(
        transformer=transformer, condition_encoder=condition_encoder, vae=vae, text_encoder=text_encoder,
        tokenizer=tokenizer, scheduler=FlowMatchEulerDiscreteScheduler(num_train_timesteps=1, shift=1.0),
    )  # fmt: skip
    pipe.save_pretrained(folder, safe_serialization=True)


def tiny_flux2_klein(folder: Path) -> None:
    """FLUX.2 klein (image.generate and image.edit with several references): a Qwen3 causal LM whose
    layers 9, 18 and 27 the pipeline reads (so 28 tiny layers), the same word-level chat tokenizer as
    Z-Image, a two-block Flux2 VAE and a one-block transformer whose text width is three layers'."""
    from diffusers import (
        AutoencoderKLFlux2,
        FlowMatchEulerDiscreteScheduler,
        Flux2KleinPipeline,
        Flux2Transformer2DModel,
    )
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, Qwen3Config, Qwen3ForCausalLM

    words = ["<pad>", "<unk>", "<|im_start|>", "<|im_end|>", "user", "assistant", *WORDS]
    word_level = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    word_level.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=word_level, pad_token="<pad>", unk_token="<unk>")
    tokenizer.chat_template = (
        "{% for m in messages %}<|im_start|> {{ m['role'] }} {{ m['content'] }} <|im_end|> {% endfor %}"
        "{% if add_generation_prompt %}<|im_start|> assistant {% endif %}"
    )
    text_encoder = Qwen3ForCausalLM(Qwen3Config(
        vocab_size=len(words), hidden_size=16, intermediate_size=32, num_hidden_layers=28,
        num_attention_heads=2, num_key_value_heads=2, head_dim=8, max_position_embeddings=1024,
    ))  # fmt: skip
    vae = AutoencoderKLFlux2(
        block_out_channels=(8, 8), down_block_types=("DownEncoderBlock2D",) * 2,
        up_block_types=("UpDecoderBlock2D",) * 2, layers_per_block=1, latent_channels=4, norm_num_groups=8,
        sample_size=32,
    )  # fmt: skip
    transformer = Flux2Transformer2DModel(
        patch_size=1, in_channels=16, num_layers=1, num_single_layers=1, attention_head_dim=8,
        num_attention_heads=2, joint_attention_dim=48, timestep_guidance_channels=32,
        axes_dims_rope=(2, 2, 2, 2), guidance_embeds=False,
    )  # fmt: skip
    pipe = Flux2KleinPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae, text_encoder=text_encoder, tokenizer=tokenizer,
        transformer=transformer, is_distilled=True,
    )  # fmt: skip
    pipe.save_pretrained(folder, safe_serialization=True)
