/**
 * Vectors for the MPEG-TS muxer and demuxer, both ways.
 *
 * FFmpeg output (Debian FFmpeg 5.1 mpegts muxer with its defaults: SDT on PID 0x11, PAT, PMT on PID 0x1000, streams
 * from PID 0x100, program 1), 6 frames of 32x32 video at 25 fps and 0.3 s of a 440 Hz sine at 48 kHz:
 *   ffmpeg -f lavfi -i testsrc2=size=32x32:rate=25:duration=0.24 -f lavfi -i sine=frequency=440:sample_rate=48000:duration=0.3 \
 *     -pix_fmt yuv420p -fflags +bitexact -c:v libx264 -bf 2 -g 5 -c:a aac -b:a 24k -ac 1 -f mpegts h264aac.ts
 *   h265mp3.ts:  -c:v libx265 -x265-params log-level=none:info=0 -bf 2 -g 5 -c:a libmp3lame -b:a 32k -ac 1
 *   h264opus.ts: -c:v libx264 -bf 0 -g 5 -c:a libopus -b:a 24k -ac 2
 * Expected values are what `ffprobe -show_entries packet=stream_index,pts,dts,size,flags` prints: video
 * "dts/pts/size" (size with the AUD and start codes FFmpeg adds), "/K" for key frames; audio "pts/size" per frame
 * (AAC frames with their 7-byte ADTS header, Opus packets without their control header), as FFmpeg's parsers split
 * the PES packets.
 */
export const FFMPEG_H264_AAC_TS = Buffer.from(
  'R0AREABC8CUAAcEAAP8B/wAB/IAUSBIBBkZGbXBlZwlTZXJ2aWNlMDF3fEPK////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '//////////////////9HQAAQAACwDQABwQAAAAHwACqxBLL/////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '/////////////////////////////////////0dQABAAArAXAAHBAADhAPAAG+EA8AAP4QHwAC9EuZv/////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////R0EAMAdQAAB7DH4AAAAB4AAAgMAKMQAJEKERAAfYYQAAAAEJ8AAAAAFnZAAK' +
  'rNlJbARAAAADAEAAAAyDxIllgAAAAAFo6+PLIsAAAAEGBf//ptxF6b3m2Ui3lizYINkj7u94MjY0IC0gY29yZSAxNjQgcjMwOTUgYmFlZTQwMCAtIEgu' +
  'MjY0L01QRUctNCBBVkMgY29kZWMgLSBDb3B5bGVmdCAyMDAzLTIwMjIgLSBodHRwOi8vd3d3LnZHAQARaWRlb2xhbi5vcmcveDI2NC5odG1sIC0gb3B0' +
  'aW9uczogY2FiYWM9MSByZWY9MyBkZWJsb2NrPTE6MDowIGFuYWx5c2U9MHgzOjB4MTEzIG1lPWhleCBzdWJtZT03IHBzeT0xIHBzeV9yZD0xLjAwOjAu' +
  'MDAgbWl4ZWRfcmVmPTEgbWVfcmFuZ2U9MTYgY2hyb21hX21lPTEgdHJlbGxpcz0xIDh4OGRjdD0xIGNxbT0wIGRlYWR6b0cBABJuZT0yMSwxMSBmYXN0' +
  'X3Bza2lwPTEgY2hyb21hX3FwX29mZnNldD0tMiB0aHJlYWRzPTEgbG9va2FoZWFkX3RocmVhZHM9MSBzbGljZWRfdGhyZWFkcz0wIG5yPTAgZGVjaW1h' +
  'dGU9MSBpbnRlcmxhY2VkPTAgYmx1cmF5X2NvbXBhdD0wIGNvbnN0cmFpbmVkX2ludHJhPTAgYmZyYW1lcz0yIGJfcHlyYW1pZD0yIGJfYWRhcHQ9RwEA' +
  'EzEgYl9iaWFzPTAgZGlyZWN0PTEgd2VpZ2h0Yj0xIG9wZW5fZ29wPTAgd2VpZ2h0cD0yIGtleWludD01IGtleWludF9taW49MSBzY2VuZWN1dD00MCBp' +
  'bnRyYV9yZWZyZXNoPTAgcmNfbG9va2FoZWFkPTUgcmM9Y3JmIG1idHJlZT0xIGNyZj0yMy4wIHFjb21wPTAuNjAgcXBtaW49MCBxcG1heD02OSBxcHN0' +
  'ZXA9NCBpcF9yYXRHAQAUaW89MS40MCBhcT0xOjEuMDAAgAAAAWWIhABnzP+eMN7tPvJMJ9IeqsMlHy8ItLCN2n59IxWrOtImqBUoaX02vOF4+77g3rIW' +
  '4G1YI1FhNS0nsvp9sqvx9aalW9cXZKSLdDJeTweYG6At0YIsygQ9ZpVEjz9KH7puDq7BAkt3HJqbhI0Elsc/6jz4Ie23+/G6hxgInuyhv9dCIY9YrmL/' +
  'KRlh+M+OEzqMlD2x07mBP7KwmiRQwv54TkcBABWVW+NlQEwRrb3zOOwDyMzT6f6InFiK0/t5oLqfdjk9o8qjm8uvxCubk/Dgf8PfqanUprJdGW19yqlL' +
  'rAWE+9yfZInidm98OHifYBVbdw+3wAykVEsCV+CAcT0dlMMDiY9lrtC0baCNnKFT8bLcy5zcpBLug6CuzUTu/trXLCoJHBFQ1GX5tRYexQvb4GRtMunU' +
  'S+VRUzJKJIG8mhQGSATPjxHV5X9Cbcum9fOeOIvJeAKS0GY/KLO1RwEANpwA////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '//////////////////////////////////+5HB+nIHf8/X3Ru7QH0kyhPph7QY0Aq96ZcPNHQQA3kgD/////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////AAAB4AAAgMAKMQAJZQERAAf0gQAAAAEJ8AAAAAFBmiNsQh9VwEdBADiSEAAAiRx+AP//////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '//////////////////////////////////////////////////////////8AAAHgAACAwAoxAAkswREACRChAAAAAQnwAAAAAUGeQXiFP76BR0AAEQAA' +
  'sA0AAcEAAAAB8AAqsQSy////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '//////////9HUAARAAKwFwABwQAA4QDwABvhAPAAD+EB8AAvRLmb////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '/////////////////////////////0dBADmSAP//////////////////////////////////////////////////////////////////////////////' +
  '//////////////////////////////////////////////////////////////////////////////////////////////////////////////////8A' +
  'AAHgAACAwAoxAAlI4REACSzBAAAAAQnwAAAAAQGeYmpC38GAR0EAOowQAACXLH4A////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '/////////wAAAeAAAIDACjEACYEhEQAJSOEAAAABCfAAAAABQZpkSahBaJlMCFv/Z8FHQAASAACwDQABwQAAAAHwACqxBLL/////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '/////////////////////////////////////////////////////////////////////////////////////0dQABIAArAXAAHBAADhAPAAG+EA8AAP' +
  '4QHwAC9EuZv/////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////R0EAOwdQAACe' +
  'NH4AAAAB4AAAgMAKMQAJnUERAAllAQAAAAEJ8AAAAAFnZAAKrNlJbARAAAADAEAAAAyDxIllgAAAAAFo6+PLIsAAAAFliIIACX/XSMnI3Fa6x43BiYos' +
  'vNdGnHB4W8PK/1ooDO/Ybw6Gdek7MhL7NhB2YaLhyEMgGweJkKRH1BVMN+fepdeyVKRzfjOZyf6RwiFgEr/9IPOcHOzyhh/sh4l5WyklcHDkYtnZ4ITL' +
  'BqeqVN5HAQAcKqUpGzqhyr2wKCoYb1v1XYUoHVwEuc95u3VUTkkuLSpGa9NMKUoIj+vlD1wL71caFz//4kbBKE6JFbqvkB4MUAq/RQHSP6U0nC7qctXv' +
  'Z8/lyt1GOTrW2eDe7BfNq47DIrXqB2i26Wz8CCvcDR8kmUubplRu7huAtfJ1NLxXbjiD3cPl7Y39c5WFGPME25DrWoqaGANtgA7al+7ZR5MYm/9omI1B' +
  'qBKpKl5Jt4u54McD6JaYMhNhMkcBAD2IAP//////////////////////////////////////////////////////////////////////////////////' +
  '/////////////////////////////////////////////////////////////////////////////////////////////////ztem6RvN3/XXxqDSpPp' +
  'Y6tssLfv4CrjBTKcpv0FMu/1XaENEyEh4yL1PuFfRaz/R0EBMAFAAAABwAQ2gIAFIQAJAaH/8UxAD5/83gIATGF2YzU5LjM3LjEwMAACaJ1RmMS9JYdC' +
  '68Z8ycarV5IuSSR4RP/Wxksb/u/4c62nKvAx35i8puF/C/VTI2E1c1czt8suXLx41VfLLly8ePHjlmmii48eMU2WKKLw3s7vHx7sHqLqnl7rHqrgPNXV' +
  'vN3A//FMQBA//AE0kNrK3VZLiyXEFOG/34402tf9vH7+da41/6ev3861xr/+1f5HAQERPOta0Nqdm7bUpQ1lss9wovf7KBg3QPpQr6UD6fTWYD6fT6UA' +
  'fT6fTWBrnrRYtUn823SIQxM+UTPlEz5fKImD5fLjEwfL5cSYLLnrOBISEhISEhITwP/xTEAHv/wBOu6K+mZP0/p+vXHHHE6mppq7kbtyWB/gyX3Pj4zG' +
  'T76APjMBn0AZPgDP7gfGYwz+4B/FgHD/8UxAB7/8AQQuiYK9M57/4//i/8v9/83VzWNb9uZVY79d3AiiiUcBARJr0GNFFFFFF+ZVCFa1vqxVrdCCo6ic' +
  'OP/xTEAH3/wBBi6Joq0zfP/T/6/7f+3+bSVbVXuusx11uVB9N25CFEVH0+lDKKDbCOzpWa0bWFMqaW6Nr3hw//FMQAe//AEILopCXTOef7//X+f/0/xk' +
  'iupW/bu5lOxkQfKedJ2Nnn5p5zqOJ9h5pzzinmUsRrq3kqDi4P/xTEAHv/wBBC6Jwp0zvn/X/6/z/+n80tLqb8857eLeGtyUHnnjRwEBE6VRwPPPPJSx' +
  'nf3zJWnKUkxK1iUk53jw//FMQAd//AECLooibTOe/+n/1/3/8v82kskXzFO+qgF9PShDCKiiijoowFBozGwZrR7RrsNsbHSwwx7/8UxABz/8AQYuiaKt' +
  'M33/x//F/5f7/7SJDXfnvi9x2sIPlFEte0xoooiiRESqFa1IVVGLnMlUe9z/8UxAB1/8AQgukWLNM3z/f/6/z/8/7ZC7Xu2ayOtsgCRImKPNVESEiRM5' +
  'ya5HAQEUeHprsslKSxKUyUhhh//xTEAHv/wBBi6K+md8/6//t+//5fzSLmarjKtjtZATzzpOxh555zzzqVPOoHHquZSj+qgS60AKrOgcxcD/8UxAB7/8' +
  'AP4ukeKNM8d/8f/X/H/r/tdLkM4rKs8pkqCOMXBDmtYGLMgaMDuuwBmaMGtLrCVoFFRyVnhc//FMQAef/AEELooibTOe/+n/1/8v9/95U1Ul1db4zHhr' +
  'cUNdFCEWkVFFFFFFBqBQZUcBATURAP////////////////////+ZHReJwIl7HQQjwP/xTEAIH/wBPk6S+mU9f8f6cXx1w6Wi7tbitFgAAAC2AQAAAAxG' +
  'Hh67AAAU4eHu4gw7jz7uAGFOHh7vAAKcP4D/8UxACf/8ATaRpslxZHgOQ5eP3861xr/t7+3Wr1Y99snM3Wae1hAxmN0M+lA+lAH0+lBgPp9KDAfT6azc' +
  'dD6VdIe5WF6nqeo2bDZsNmzg//FMQAGf/AEYgbRw',
  'base64');

/** ffprobe's packets of FFMPEG_H264_AAC_TS. */
export const FFMPEG_H264_AAC_PACKETS = {
  video: '126000/133200/1104/K 129600/144000/18 133200/136800/18 136800/140400/18 140400/147600/24 144000/151200/388/K',
  audio: '131280/124 133200/129 135120/61 137040/61 138960/62 140880/61 142800/61 144720/59 146640/57 148560/58 150480/61 ' +
    '152400/61 154320/60 156240/64 158160/79 160080/12',
} as const;

/** FFmpeg's H265 (PMT with the 'HEVC' registration descriptor) + MP3 (stream type 0x03) transport stream. */
export const FFMPEG_H265_MP3_TS = Buffer.from(
  'R0AREABC8CUAAcEAAP8B/wAB/IAUSBIBBkZGbXBlZwlTZXJ2aWNlMDF3fEPK////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '//////////////////9HQAAQAACwDQABwQAAAAHwACqxBLL/////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '/////////////////////////////////////0dQABAAArAdAAHBAADhAPAAJOEA8AYFBEhFVkMD4QHwAA0qSw//////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////R0EAMAdQAAB7DH4AAAAB4AAAgMAKMQAJEKERAAfYYQAAAAFGAVAAAAABQAEM' +
  'Af//AWAAAAMAkAAAAwAAAwAelZAJAAAAAUIBAQFgAAADAJAAAAMAAAMAHqBCCFllZLkyvAWgIAAAAwAgAAADAyEAAAABRAHBc9CJAAABKAGvHYC0xH6d' +
  't+s8MW149nwKtscXvVneDANF7cgoewc2ky0MavkCj2Lmk1jYYVU3ykAECEpGei1nXsIMCu27vlZHAQARaxop7xwiRy4uGJ/4Gd/N50FNIuFth/fRRV2b' +
  'JzAvKJZu5f8W/4aewMscT1/ZK17+vfg8f+7YlEvxR2ZZy+gIv2M5T2LVDs0wgb3fIta86cm7MPW7+8PAKsOCawmw3Rhqm9uSpokgMOHFCvWmjSgJgzS/' +
  'ohuIzCAilofU7kdfHjP988wSVZSr9NTjnXYoTxFMLpLhvDn1hKSUmOQer7iqHEid96S7Y3Q6kLb4e4zqy9Vko+qlDxcQk0cBADJSAP//////////////' +
  '/////////////////////////////////////////////////////////////////////////////////////////////8Hn2MDAYZMQM5r0PTOdX+vA' +
  '+gQJg0Ldt/9Snep5RlKyY5ZNRceaangTCOsDESClKzdiL7DH4/JlSwCiW0Nm/Mj+FHwDicgaG3SWhjUmjdHKfHEx7/wxBz+UsipVNgXzQI0BKQkOR0EA' +
  'M40A////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '//////////////////////////////////////////////////////////////////////////8AAAHgAACAwAoxAAlI4REAB/SBAAAAAUYBUAAAAAEC' +
  'AdARV4QxjkBwF4JHQQA0jxAAAIkcfgD/////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////AAAB4AAAgMAKMQAJLMER' +
  'AAkQoQAAAAFGAVAAAAABAAHgJL+GFMDIIEdAABEAALANAAHBAAAAAfAAKrEEsv//////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////R1AAEQACsB0AAcEAAOEA8AAk4QDwBgUESEVWQwPhAfAADSpLD///////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '//////////////////////////////////////////////////////////////////////9HQQA1B1AAAJAkfgAAAAHgAACAwAoxAAmdQREACSzBAAAA' +
  'AUYBUAAAAAFAAQwB//8BYAAAAwCQAAADAAADAB6VkAkAAAABQgEBAWAAAAMAkAAAAwAAAwAeoEIIWWVkuTK8BaAgAAADACAAAAMDIQAAAAFEAcFz0IkA' +
  'AAEqAawU7Jxiwt2dtmEHLfftnmIBQkHj4stlVD25B67/9uJI8hj5n/+rWzSx+gTmTVLH6aqaWoTNaTJmwZTLMJkRDEcBABaCrJSutQCNz25njIB7Zk0M' +
  'WNRCsQbhZ8mih/wTE+WQ/4XZPJAX/3kl+mOjz1hfM5v3D/cnyeJJmonKGjEafA2DaC4BAfAqRo5egoN+VFMk2k8eIhK2ovzfU+VKrM5KFm6oHQssuYxs' +
  'afvrx3tujHCkPxmGn+rIjWf1XwnUjKH7xXXrb6EZ1KrNjsmb7aN8e6c0bpKyHz/MH0XhWpMS+otlRPKfHDwqGvdcJP1zQRCqqDUY7taOcqPmRwEAN5YA' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '//////////////////////////////////////////////////////////////////////////////////8nW0NfsXMc81UFgsMKaZPxkg9CixIwa7aX' +
  'PTbQ5050j7tHQQA4jRAAAJcsfgD/////////////////////////////////////////////////////////////////////////////////////////' +
  '/////////////////////////////////////////////////////////////////////////////////////////wAAAeAAAIDACjEACYEhEQAJSOEA' +
  'AAABRgFQAAAAARIB4IaVf1GEsC0MgEdBADmTAP//////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  'AAAB4AAAgIAFIQAJZQEAAAABRgFQAAAAARAB4Gb1/0iwosggR0EBMAFAAAABwAVIgIAFIQAJAHH/+xTEAAAEDBVNNMCAOJWGaMM2IAAAAFmwAAG4jn9i' +
  'QCAAgHCY+Hh4eeAAAAgdmHv/4Bn/4eIQgyt4SpMrh1FzIpcBTLpCS74CV/a8/3P54UB8BBrhU7lREe+tVWMBQSD/+xTEAoPETB0mHdAAIJcDosG/5E0Q' +
  'JmEAPmQlpn6uAGmZLGMogBANoTzAoBzAAAUSZCYwJmVixpxadW9GEQBrZpDwiYYSwA5HAQER5gVYAQfQgIYEDYJYMoB+SqowOHhQhghE//sUxAODxKQh' +
  'FA57QmCTg6KBv+hNGI6iYUkHxr9VDmGELQYIYR5sohpigCthEgbDKF3umMgwKZRbCH6AwpcATNXHAJjC2wAswNgAYO2rMqtBCYdSlQPJKjCwnMHkYwki' +
  '//sUxAQDxLwhFA57giCbA+KBv+hMzFdQMKiDs2QqgDWVjMGoQwOMwcMxYohhGGkIoTf4PCJk4GawXHhyZhOAfUcBARLGpKChZhWgFYYGmAonggGiYGTT' +
  'mEQGRCOPhTExgxQrMv/7FMQDA8RwHRgN+yJokYOiwb9oTXVjWN0xMVnjqHctMU8OYwTASQCQgNM8Azgw0toQtCeYcOGap5w2wY4KwZ9/uFGPqHiYTAMh' +
  'zYJo0pmixkSIKks0HDFBMx8eM6PTgf/7FMQEg8RUHxgN+wJgjAOjAb9kTaAxqkPT5UVqMdQKMwfQJCfhUQAGmNwLQ6uQhCBCTmHLRoPaRwEBE2H0vocW' +
  'jzpiOCAGCuDKd2htJG2GApBNJi6tMOAMkBNaIPYvMXUaA8n/+xTEBwPEFB8cDXsiYISDo0G/bEXSGTGbAoHg3TjBBpZKUKEory7YADQuSEiqINwwHVnT' +
  'GfcsMr7TDFYxEjAQ+LFBEPlCS1ZZCAkmLghsODGTGyEiPpwX0x4gKjCLAVP/+xTEC4PEKB8aDfsiYIQD48G/bETZoyFgaiKHI3U+jAQYAC5gZwYxOmDy' +
  'hEaV6pZHAQEUcLTGFGY4EJMCwUJAo8VvdxVf4GIGlNnixGKuWmd050Bi/g5mDYBYdr5lomEQCRww//sUxA+DxCwfHA17ImCAA+PBv2xEmKZmBA5g4gYo' +
  'WmewBhyHAnAoj4f5DmbkBdFcxaEtEJDEJ6pRwGhJhxUZ3BmHEcQb/yRJiABIGCOBqftGhACeCgCWoXwxoozBE2aY//sUxBQDxCAfHg37AmCGA+NBr2BM' +
  '+3MxizKj1ZQRMbMHIwdAEQ/4qkcBARVCqgQsHTgbGi8pIJA03MUnDB3QnNI9U4wiwqzAkA8OeTOEMgJLH0vZ0wgBAxkAnE4MWMbQQ0+oBf/7FMQYA8QQ' +
  'Hx4N+wJghAPjQb9kTGjHiAJDBDzwMMBIdRITkbJTqjBxYAF4JZAB/mBOzMZEsFpgSiICEGMypgNATbkVJO+p9VEYaOGrBnsYGLmNieSpGBjOggmDoA0d' +
  'q//7FMQcg8QoHRgN+yJog4Pjga9kTJjoggoQkoqyzdVeRwEBFoIAEBADmEoWmSdInaVmGhBEGNAjCwUDgAGBwEFmEoJAAAOCGGQAAYDBSZCwGCQTMvmB' +
  'MKBQMkGwMjAb2Zqhbgb/+xTEIIAEHB0oFdAAIPeK5uM6oAB3gKYLAROfLfMGAQDgE8AWA3+BeBQAofjQVxF/SIFEkFLi4F+EKBTAZgcw9JcVCrXr169e' +
  'hmCgoKCQUFBSakxBTUUzLjEwMKqqqqr/+xTEFoPD7ClEHPGACAAANIAAAASqqqpHAQE3bwD/////////////////////////////////////////////' +
  '/////////////////////////////////////////////////////////////////////////////////////////////////////6qqqqqqqqqqqqqq' +
  'qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqg==',
  'base64');

/** ffprobe's packets of FFMPEG_H265_MP3_TS. */
export const FFMPEG_H265_MP3_PACKETS = {
  video: '126000/133200/443/K 129600/140400/23 133200/136800/21 136800/151200/374/K 140400/147600/23 144000/144000/21',
  audio: '131128/96 133288/96 135448/96 137608/96 139768/96 141928/96 144088/96 146248/96 148408/96 150568/96 152728/96 ' +
    '154888/96 157048/96 159208/96',
} as const;

/** FFmpeg's H264 + Opus transport stream: Opus as private data (PES stream_id 0xBD) behind control headers. */
export const FFMPEG_H264_OPUS_TS = Buffer.from(
  'R0AREABC8CUAAcEAAP8B/wAB/IAUSBIBBkZGbXBlZwlTZXJ2aWNlMDF3fEPK////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '//////////////////9HQAAQAACwDQABwQAAAAHwACqxBLL/////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '/////////////////////////////////////0dQABAAArAhAAHBAADhAPAAG+EA8AAG4QHwCgUET3B1c38CgAKuqWPt////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////R0EAMAdQAAB8MP4AAAAB4AAAgIAFIQAH3PMAAAABCfAAAAABZ2QACqyyEtgI' +
  'gAAAAwCAAAAZB4kTJAAAAAFo68PLIsAAAAEGBf//adxF6b3m2Ui3lizYINkj7u94MjY0IC0gY29yZSAxNjQgcjMwOTUgYmFlZTQwMCAtIEguMjY0L01Q' +
  'RUctNCBBVkMgY29kZWMgLSBDb3B5bGVmdCAyMDAzLTIwMjIgLSBodHRwOi8vd3d3LnZpZGVvbGFHAQARbi5vcmcveDI2NC5odG1sIC0gb3B0aW9uczog' +
  'Y2FiYWM9MSByZWY9MyBkZWJsb2NrPTE6MDowIGFuYWx5c2U9MHgzOjB4MTEzIG1lPWhleCBzdWJtZT03IHBzeT0xIHBzeV9yZD0xLjAwOjAuMDAgbWl4' +
  'ZWRfcmVmPTEgbWVfcmFuZ2U9MTYgY2hyb21hX21lPTEgdHJlbGxpcz0xIDh4OGRjdD0xIGNxbT0wIGRlYWR6b25lPTIxLEcBABIxMSBmYXN0X3Bza2lw' +
  'PTEgY2hyb21hX3FwX29mZnNldD0tMiB0aHJlYWRzPTEgbG9va2FoZWFkX3RocmVhZHM9MSBzbGljZWRfdGhyZWFkcz0wIG5yPTAgZGVjaW1hdGU9MSBp' +
  'bnRlcmxhY2VkPTAgYmx1cmF5X2NvbXBhdD0wIGNvbnN0cmFpbmVkX2ludHJhPTAgYmZyYW1lcz0wIHdlaWdodHA9MiBrZXlpbnQ9NSBrZXlpbnRfRwEA' +
  'E21pbj0xIHNjZW5lY3V0PTQwIGludHJhX3JlZnJlc2g9MCByY19sb29rYWhlYWQ9NSByYz1jcmYgbWJ0cmVlPTEgY3JmPTIzLjAgcWNvbXA9MC42MCBx' +
  'cG1pbj0wIHFwbWF4PTY5IHFwc3RlcD00IGlwX3JhdGlvPTEuNDAgYXE9MToxLjAwAIAAAAFliIQZ/8z/njDe7T7yTCfSHqrDJR8vCLSwjdp+fSMVqzrS' +
  'JqgVKGl9NrzhePtHAQAUvuDeshbgbVgjUWE1LSey+n2yq/H1pqVb1xdkpIt0Ml5PB5gboC3RgizKBD1mlUSPP0ofum4OrsECS3ccmpuEjQSWxz/qPPgh' +
  '7bf78bqHGAie7KG/10Ihj1iuYv8pGWH4z44TOoyUPbHTuYE/srCaJFDC/nhOlVvjZUBMEa298zjsA8jM0+n+iJxYitP7eaC6n3Y5PaPKo5vLr8Qrm5Pw' +
  '4H/D36mp1KayXRltfcqpS6wFhPvcn2SJ4kcBADUnAP//////////////////////////////////////////////////dm98OHifYBVbdw+3wAykVEsC' +
  'V+CAcT0dlMMDiY9lrtC0baCNnKFT8bLcy5zcpBLug6CuzUTu/trXLCoJHBFQ1GX5tRYexQvb4GRtMunUS+VRUzJKJIG8mhQGSATPjxHV5X9Cbcum9fOe' +
  'OIvJeAKS0GY/KLO1uRwfpyB3/P190bu0B9JMoT6Ye0GNAKvemXDzR0EANpgA////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '/////////////////////////////wAAAeAAAICABSEAB/kTAAAAAQnwAAAAAUGaOxGfRsBHQQA3lBAAAIpA/gD/////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '//////////////////////////////////////////8AAAHgAACAgAUhAAkVMwAAAAEJ8AAAAAFBmk8IZMphHf9VQUdBATABQAAAAb0BeICABSEAB9hh' +
  'f/BbATh8iAG/7jRh/Z+4AAApWNNXI9mdvt7N7LGpm20gSYUhNTlMgj+PPgYTFBWP4PZVJW//hgR5GjrU5Ib2Sklw9e55yan4C00JdIRK0QTgomNwvJC6' +
  'HRWxZpfOds5Af+A9fIgCfFG9fw9cdSRd6tiFZ7FztpOQjea09JmmDMbb3jQsQY5EqLbhFArfT0P6RRrWuh1hOtRj4W6SI7Kb8H/gQnyIAmQBRwEBEWO4' +
  'ir1HXMFKUupfiMvKAd5mTjfPX7CuH/cPdBf8aauuF48SO4/Jxn1MBWeGMPuDfpRGbKj0ptRs0zy24Mp/4EN8iAJkAWO4ir0jMCUhP70cGvElLPUlzSxX' +
  'kNz+l0+/26qBMI1ZACTEOt3GAEetmOuDbTF5696vIA3jxtTCU2+TUiAPf+BCfIgCZAFjuIq9IQW3JCsuaGI2C6vRmbTlFCVm25lMWUxVpvygiiq3KOAt' +
  '8o9Vo/YGMu9HAQEypwD/////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////r92L9kWV1EpVnCFFjt1jCkdAABEAALANAAHBAAAAAfAAKrEEsv//////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////R1AAEQACsCEAAcEAAOEA8AAb4QDwAAbhAfAKBQRPcHVzfwKAAq6pY+3/////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '//////////////////////////////////////////////////////////////////9HQQA4kwD/////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '/////////////////////////////////////wAAAeAAAICABSEACTFTAAAAAQnwAAAAAUGacnhDyZTAhD9VwEdBADmTEAAAmFD+AP//////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////AAAB4AAAgIAFIQAJTXMAAAABCfAAAAABQZqSeEPJlMCEv2NBR0EBMwFAAAAB' +
  'vQFlgIAFIQAJHrF/4EF8iAJkAWO4apCzt1kxfUs10o1aTHQ73S+owbIsmf7lag/EowORsbfM3CJ7VmAT512ob8kudFCrkymVzkP2Dig4z3/gSHyIAmQB' +
  'Y7iKvToo0+ClM3q3WTBBX9NI/K4ZNu81hA6ZwrehKFITXV1fgf3/CSf9BZWVBejArl1OyyyJj7fL22ASIQU5g7KYD3/gQ3yIAmP/Tsg6uiY/MOWq0n5M' +
  'SgYyTA9HAQE0AgD/EJsEjy10vMwiaQRZ/JtY5t58TfydJF9bBzKdmf1xGGDAw+n4/6qobNM8vozKf+BJfIgCZAFjuIq9OiF8bHe/bao6ob7fJNP72JdM' +
  '/81RmlBoBZ7G4vhYHTMVcBrAfdkzdxgHsqSH2TP22w8k1O16Gd0h5gGLHm3wD3/gOUyIAmJaILZ5GBlQCDtmcJd91bHDWwfwrbZKrbRxvjAVvugP52t6' +
  'C7LH7t0fWN+D9DC74ljk6rvwFEdAABIAALANAAHBAAAAAfAAKrEEsv//////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////R1AAEgACsCEAAcEAAOEA8AAb4QDwAAbhAfAKBQRPcHVzfwKAAq6pY+3/////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '//////////////////////////////////////////////////////////////9HQQA6B1AAAJ9Y/gAAAAHgAACAgAUhAAlpkwAAAAEJ8AAAAAFnZAAK' +
  'rLIS2AiAAAADAIAAABkHiRMkAAAAAWjrw8siwAAAAWWIggJf10jJyNxWuseNwYmKLLzXRpxweFvDyv9aKAzv2G8OhnXpOzIS+zYQdmGi4chDIBsHiZCk' +
  'R9QVTDfn3qXXslSkc34zmcn+kcIhYBK//SDznBzs8oYf7IeJeVspJXBw5GLZ2eCEywanqlTeKqUpGzqhykcBABu9sCgqGG9b9V2FKB1cBLnPebt1VE5J' +
  'Li0qRmvTTClKCI/r5Q9cC+9XGhc//+JGwShOiRW6r5AeDFAKv0UB0j+lNJwu6nLV72fP5crdRjk61tng3uwXzauOwyK16gdotuls/Agr3A0fJJlLm6ZU' +
  'bu4bgLXydTS8V244g93D5e2N/XOVhRjzBNuQ61qKmhgDbYAO2pfu2UeTGJv/aJiNQagSqSpeSbeLueDHA+iWmDITYTI7Xpukbzd/RwEAPI8A////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '/////////////////////////////////////////////////////////////////9dfGoNKk+ljq2ywt+/gKuMFMpym/QUy7/VdoQ0TISHjIvU+4V9F' +
  'rP9HQQE1AUAAAAG9AR2AgAUhAAllAX/gNUyIAmJaILhl7IcbAtvARmJ8LmGUW0VMRKtKecoUWTonUGWJePB7mKaclqAjZljea+g6WmBAf+A6TIgCYlog' +
  'tnVhrUul/h9u8vGZR6XCitmUOfbo7DXX9FeZ1ExsHCGl11B8KGCkc2IsHbq3SEHMW7PBgH/gNEyIAmJaILZ5GBsHN7NqsgY7UOWx0bERbgXZ/4mCaRyq' +
  '92ugmbI3yanPJ4K16nQeaUcBATZKAP//////////////////////////////////////////////////////////////////////////////////////' +
  '//////////8VCG6uf+A1TIgCYlogtnkYFta9EbGLH+9YgNzOCU9Xt3uy038WmILW2YTkbOzZo6S9Vj1kh7sWLMkut39/4C5MiAJiWiC2eRgWv7Mwb3nE' +
  'TGu8l+FH6Fr4ZJVd/5LcbHJyCSinu0qXnG3kDi7eR0EBN4NA////////////////////////////////////////////////////////////////////' +
  '/////////////////////////////////////////////////////////////////////////////////////////////////////////wAAAb0ALoCA' +
  'BSEACatRf+ghAohMiAG/3f3XycHNwwsYzdhpTmqJXgA3AZzFzVb3sk8AtaA=',
  'base64');

/** ffprobe's packets of FFMPEG_H264_OPUS_TS. */
export const FFMPEG_H264_OPUS_PACKETS = {
  video: '126585/126585/1042/K 130185/130185/17 133785/133785/21 137385/137385/22 140985/140985/22 144585/144585/386/K',
  audio: '126000/91 127800/61 129600/66 131400/67 133200/66 135000/65 136800/72 138600/67 140400/73 142200/57 144000/53 ' +
    '145800/58 147600/52 149400/53 151200/46 153000/33',
} as const;
