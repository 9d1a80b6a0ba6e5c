// Reads an image's width and height from its header, without decoding any pixels.
export interface ImageInfo {
  type: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
}

export function imageSize(bytes: Uint8Array<ArrayBuffer>): ImageInfo | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // PNG: an 8-byte signature, then the IHDR chunk whose data starts with width and height.
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.byteLength >= 24 && png.every((byte, index) => bytes[index] === byte)) {
    const type = String.fromCharCode(...bytes.subarray(12, 16));
    if (type !== 'IHDR') return undefined;
    return { type: 'image/png', width: view.getUint32(16), height: view.getUint32(20) };
  }
  // JPEG: segments after the SOI marker (FF D8); a start-of-frame segment holds the size.
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 9 <= bytes.byteLength) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    // SOF0 to SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { type: 'image/jpeg', height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    at += 2 + view.getUint16(at + 2);
  }
  return undefined;
}
